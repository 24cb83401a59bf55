-- Stored analysis results created before the cutoff $1, except those of protected runs $2.
SELECT
  run_id,
  analysis
FROM
  ops.analysis_results
WHERE
  created_at < $1
  AND NOT run_id = ANY ($2::text[])
ORDER BY
  run_id,
  analysis
