-- A full refresh on lanes reads the warehouse on connections of its own and the analytics stage
-- then reads it again in its own transaction (READ COMMITTED: it must see what the lanes commit).
-- Holding the warehouse load lock shared keeps every load out until the stage commits, so all of
-- them read the same warehouse. Transaction-scoped; loads take it exclusively (warehouse/load_lock.sql).
SELECT
  pg_advisory_xact_lock_shared(hashtext ('ecom.warehouse_load'))
