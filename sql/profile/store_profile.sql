-- Stores (or replaces, when a retried stage measures again) a run's data profile. $1 run id, $2 profile jsonb.
INSERT INTO
  ops.run_profiles (run_id, profile)
VALUES
  ($1, $2::jsonb)
ON CONFLICT (run_id) DO UPDATE
SET
  profile = EXCLUDED.profile,
  computed_at = clock_timestamp()
