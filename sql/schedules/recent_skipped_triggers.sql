-- The newest skipped triggers, for GET /schedules.
SELECT
  skipped_id,
  trigger,
  mode,
  reason,
  active_run_id,
  skipped_at
FROM
  ops.skipped_triggers
ORDER BY
  skipped_at DESC,
  skipped_id DESC
LIMIT
  $1
