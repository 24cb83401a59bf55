-- Temp tables have no statistics until analysed: blind, the planner scans every fact and summary
-- row to find a few touched days.
ANALYZE pg_temp.dashboard_touched_days
