-- Up Migration
-- production.customers gets the index on last_run_id that transactions got in 0054 and
-- transaction_items has had since 0003: the transform's row-count reconciliation reads the
-- customers the run wrote (reconcile_staging_production_row_count.sql's written rows) by
-- last_run_id = the run, which without it read all 100k production customers for a one-day
-- delta's ~1k (1M base: 2,532 pages, 16-32 ms; 0.2-0.5 ms by the index). A first load drops and
-- rebuilds it with the table's other secondary indexes (ops.bulk_load_prepare, 0017): ~55 ms at
-- 100k customers, measured alone on a clone. A customer the transform rewrites was never a HOT
-- update (updated_at is indexed), so the index adds only one entry per written row.
CREATE INDEX customers_last_run_idx ON production.customers (last_run_id);

-- Down Migration
DROP INDEX production.customers_last_run_idx;
