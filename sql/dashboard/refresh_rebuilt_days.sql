-- How many touched days an incremental refresh rebuilt whole (refresh_moved_days.sql); the others
-- it brought up to date by difference.
SELECT
  count(*)::integer AS days
FROM
  pg_temp.dashboard_whole_days
