-- $1 the warehouse load (run id) the summaries now reflect, $2 its loaded_at, $3 the run whose
-- analytics stage refreshed them (the dashboard's badge).
INSERT INTO
  dashboard.refresh_state (singleton, load_run_id, loaded_at, run_id, refreshed_at)
VALUES
  (true, $1, $2, $3, clock_timestamp())
ON CONFLICT (singleton) DO UPDATE
SET
  load_run_id = EXCLUDED.load_run_id,
  loaded_at = EXCLUDED.loaded_at,
  run_id = EXCLUDED.run_id,
  refreshed_at = EXCLUDED.refreshed_at
