-- Up Migration
-- production.transactions gets the index on last_run_id that production.transaction_items has had
-- since 0003: the transform's two reconciliations read the orders the run wrote
-- (reconcile_staging_production_row_count.sql's written rows, reconcile_staging_production_order_total.sql's
-- touched orders) by last_run_id = the run, which without it read all 1M production orders for a
-- delta's ~2k (one-day delta on the 1M base: 22,148 pages, ~160 ms of CPU each, 0.6-1.7 ms by the
-- index). A first load drops and rebuilds it with the table's other secondary indexes
-- (ops.bulk_load_prepare, 0017): ~0.45-0.5 s of CPU at 1M orders, measured alone on a clone.
-- A BRIN on the column (run ids sort by time) builds in ~0.22 s and took the same delta's read to
-- ~7 ms (388 pages), but its ranges past the last summary stay unsummarized (read every time)
-- with autovacuum off and no summarize step, and orders re-delivered changed are written wherever
-- the free space map has room, so later runs' rows spread over ranges: a b-tree stays a probe.
CREATE INDEX transactions_last_run_idx ON production.transactions (last_run_id);

-- Down Migration
DROP INDEX production.transactions_last_run_idx;
