-- The dashboard's badge: the run whose analytics stage last refreshed the summaries (what every
-- chart reflects). Summaries filled by migration 0013 name only the warehouse load's run.
SELECT
  r.run_id,
  r.mode,
  coalesce(r.finished_at, s.refreshed_at) AS finished_at
FROM
  dashboard.refresh_state s
  JOIN ops.runs r ON r.run_id = coalesce(s.run_id, s.load_run_id)
