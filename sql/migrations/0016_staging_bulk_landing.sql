-- Up Migration
-- Staging is a landing area written in bulk by the ingest stage's COPY and read whole per run by
-- the stages after it; these changes make that load cost close to a bare COPY (issue 11).
--
-- A BRIN index on run_id instead of the B-tree on (run_id, source_file): a run's rows are appended
-- together, so block ranges already say which run they hold. The B-tree took one descent per
-- landed row (about a third of the COPY's CPU); the BRIN costs nothing per row, and still narrows
-- `WHERE run_id = $1` (validator, transformer, discard, retention) to the run's blocks.
-- autosummarize: ranges filled by a load are summarised by autovacuum, not left for a VACUUM.
-- A file's own rows are only ever looked up again when an earlier landing of it committed
-- (sql/ingest/clear_file_landing.sql checks ops.file_accounting first), so source_file needs no index.
DROP INDEX staging.staging_customers_run_idx;
DROP INDEX staging.staging_products_run_idx;
DROP INDEX staging.staging_transactions_run_idx;
DROP INDEX staging.staging_transaction_items_run_idx;
CREATE INDEX staging_customers_run_brin ON staging.customers USING brin (run_id) WITH (autosummarize = on);
CREATE INDEX staging_products_run_brin ON staging.products USING brin (run_id) WITH (autosummarize = on);
CREATE INDEX staging_transactions_run_brin ON staging.transactions USING brin (run_id) WITH (autosummarize = on);
CREATE INDEX staging_transaction_items_run_brin ON staging.transaction_items USING brin (run_id) WITH (autosummarize = on);

-- Down Migration
DROP INDEX staging.staging_customers_run_brin;
DROP INDEX staging.staging_products_run_brin;
DROP INDEX staging.staging_transactions_run_brin;
DROP INDEX staging.staging_transaction_items_run_brin;
CREATE INDEX staging_customers_run_idx ON staging.customers (run_id, source_file);
CREATE INDEX staging_products_run_idx ON staging.products (run_id, source_file);
CREATE INDEX staging_transactions_run_idx ON staging.transactions (run_id, source_file);
CREATE INDEX staging_transaction_items_run_idx ON staging.transaction_items (run_id, source_file);
