-- PUT /schedules/:name: the pattern and enabled flag now in force for this schedule.
INSERT INTO
  ops.schedules (name, pattern, enabled, updated_at)
VALUES
  ($1, $2, $3, now())
ON CONFLICT (name) DO UPDATE
SET
  pattern = EXCLUDED.pattern,
  enabled = EXCLUDED.enabled,
  updated_at = EXCLUDED.updated_at
