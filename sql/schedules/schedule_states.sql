-- Run-time overrides and the last firing of every schedule that has a row.
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
