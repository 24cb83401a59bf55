-- Releases sql/transform/production_writer_lock.sql.
SELECT
  pg_advisory_unlock_shared(hashtext ('ecom.production'), hashtext ('writer'))
