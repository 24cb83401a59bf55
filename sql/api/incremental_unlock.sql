-- Releases sql/api/incremental_lock.sql.
SELECT
  pg_advisory_unlock(hashtext ('ecom:incremental-runs'))
