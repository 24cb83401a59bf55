-- Releases sql/schedules/run_launch_lock.sql.
SELECT
  pg_advisory_unlock(hashtext ('ecom:run-launch'))
