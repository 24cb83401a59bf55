-- GET /runs: one page of runs, newest first. $1 limit, $2 offset.
SELECT
  run_id,
  mode,
  status,
  created_at,
  finished_at,
  failed_stage,
  error
FROM
  ops.runs
ORDER BY
  created_at DESC,
  run_id DESC
LIMIT
  $1
OFFSET
  $2
