-- A full refresh on lanes reads the warehouse on connections of its own and the analytics stage
-- then reads it again in its own transaction (READ COMMITTED: it must see what the lanes commit).
-- Holding the warehouse load lock shared keeps every load out until the stage commits, so all of
-- them read the same warehouse. Also taken by the stage's transaction after a load, before the
-- analyses that read only the warehouse start on a connection of their own (analyses.service.ts):
-- a load's ALTER TABLE, queued behind the stage's reads, would hold that connection's reads back
-- while the stage waits for them, a wait PostgreSQL cannot see. Transaction-scoped; loads take it
-- exclusively (warehouse/load_lock.sql).
SELECT
  pg_advisory_xact_lock_shared(hashtext ('ecom.warehouse_load'))
