-- Warehouse loads run one at a time: each reads the watermarks the previous one recorded, and two
-- loads merging the same SCD history concurrently would each see the other's versions missing.
-- Transaction-scoped, so it is released with the stage's commit or rollback.
SELECT
  pg_advisory_xact_lock(hashtext ('ecom.warehouse_load'))
