-- Taken on the transform's connection before its BEGIN and released after its COMMIT or ROLLBACK
-- (production_writer_unlock.sql): the warehouse's load window (warehouse/load_window.sql) keeps its
-- newest bound below the start of every transaction of a connection holding it. Shared: holders do
-- not wait for each other.
SELECT
  pg_advisory_lock_shared(hashtext ('ecom.production'), hashtext ('writer'))
