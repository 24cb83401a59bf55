-- Runs that are queued or running now.
SELECT
  run_id
FROM
  ops.runs
WHERE
  status IN ('queued', 'running')
ORDER BY
  run_id
