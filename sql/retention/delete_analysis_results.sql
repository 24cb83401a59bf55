-- Deletes what expired_analysis_results.sql lists (same cutoff $1 and protected runs $2).
DELETE FROM ops.analysis_results
WHERE
  created_at < $1
  AND NOT run_id = ANY ($2::text[])
RETURNING
  run_id,
  analysis
