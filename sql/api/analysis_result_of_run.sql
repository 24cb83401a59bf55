-- One stored analysis result. $1 run id, $2 analysis name.
SELECT
  run_id,
  analysis,
  columns,
  rows
FROM
  ops.analysis_results
WHERE
  run_id = $1
  AND analysis = $2
