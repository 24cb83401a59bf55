-- Up Migration
-- The data profile of each run (GET /runs/:id/profile): the shape of the data as landed in
-- staging, measured by the validate stage. One document per run, replaced when a retried stage
-- measures again.
CREATE TABLE ops.run_profiles (
  run_id      text PRIMARY KEY REFERENCES ops.runs ON DELETE CASCADE,
  profile     jsonb NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Down Migration
DROP TABLE ops.run_profiles;
