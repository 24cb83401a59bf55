-- $1 the warehouse load (run id) the summaries now reflect, $2 its loaded_at.
INSERT INTO dashboard.refresh_state (singleton, load_run_id, loaded_at, refreshed_at)
VALUES (true, $1, $2, clock_timestamp())
ON CONFLICT (singleton) DO UPDATE
   SET load_run_id = EXCLUDED.load_run_id, loaded_at = EXCLUDED.loaded_at, refreshed_at = EXCLUDED.refreshed_at
