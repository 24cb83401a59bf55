-- Which warehouse load the dashboard summaries reflect, beside the newest load there is.
SELECT (SELECT load_run_id FROM dashboard.refresh_state) AS refreshed_run_id,
       (SELECT loaded_at FROM dashboard.refresh_state) AS refreshed_loaded_at,
       l.run_id AS latest_run_id,
       l.loaded_at AS latest_loaded_at
  FROM (SELECT 1) AS one
  LEFT JOIN LATERAL (
    SELECT run_id, loaded_at FROM ops.warehouse_loads ORDER BY loaded_at DESC, run_id DESC LIMIT 1
  ) l ON true
