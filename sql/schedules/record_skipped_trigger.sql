-- A trigger that started nothing: who fired it, the mode asked for, why, and the run in the way.
INSERT INTO
  ops.skipped_triggers (trigger, mode, reason, active_run_id, request)
VALUES
  ($1, $2, $3, $4, $5::jsonb)
RETURNING
  skipped_id,
  skipped_at
