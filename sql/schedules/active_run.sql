-- The run that keeps another from starting: the oldest one still queued or running.
SELECT
  run_id,
  status,
  mode,
  created_at
FROM
  ops.runs
WHERE
  status IN ('queued', 'running')
ORDER BY
  created_at,
  run_id
LIMIT
  1
