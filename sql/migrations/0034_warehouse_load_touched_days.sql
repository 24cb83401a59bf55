-- Up Migration
-- The days (date_key) of every fact an incremental load wrote, moved, re-pointed or deleted
-- (pg_temp.warehouse_touched), recorded with the load: the dashboard's incremental refresh reads
-- them (refresh_touched_days.sql) instead of finding the load's facts by last_run_id, a scan of
-- every fact (~0.5 s at 2.5M facts for a one-day delta). NULL when not recorded (a bulk load,
-- loads before this migration): the refresh then scans as before.
ALTER TABLE ops.warehouse_loads ADD COLUMN touched_days integer[];

-- Down Migration
ALTER TABLE ops.warehouse_loads DROP COLUMN touched_days;
