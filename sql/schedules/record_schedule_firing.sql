-- What a scheduled job did (started run X, skipped because ..., finished), shown by GET /schedules.
INSERT INTO
  ops.schedules (name, last_fired_at, last_outcome, last_run_id)
VALUES
  ($1, now(), $2, $3)
ON CONFLICT (name) DO UPDATE
SET
  last_fired_at = EXCLUDED.last_fired_at,
  last_outcome = EXCLUDED.last_outcome,
  last_run_id = EXCLUDED.last_run_id
