-- A run's stages in pipeline order. $1 run id.
SELECT
  stage,
  status,
  attempts,
  started_at,
  finished_at,
  rows_in,
  rows_out,
  rows_rejected,
  tasks_total,
  tasks_done,
  detail,
  error
FROM
  ops.run_stages
WHERE
  run_id = $1
ORDER BY
  seq
