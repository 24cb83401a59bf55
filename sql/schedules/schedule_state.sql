-- One schedule's run-time override and last firing.
SELECT
  name,
  pattern,
  enabled,
  updated_at,
  last_fired_at,
  last_outcome,
  last_run_id
FROM
  ops.schedules
WHERE
  name = $1
