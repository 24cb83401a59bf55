-- Up Migration
-- Staging is a landing area written in bulk by the ingest stage's COPY and read whole per run by
-- the stages after it; these changes make that load cost close to a bare COPY (issue 11).
--
-- A BRIN index on run_id instead of the B-tree on (run_id, source_file): a run's rows are appended
-- together, so block ranges already say which run they hold. The B-tree took one descent per
-- landed row (0.2-0.4 s of a 0.9 s COPY of 250k transactions); the BRIN's per-row revmap lookup
-- costs about half that, and it still narrows `WHERE run_id = $1` (validator, transformer,
-- discard, retention) to the run's blocks once a run is no longer the only one in the table.
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

-- run_id and source_file of a clean chunk's rows, which the file's bytes do not carry: sent in
-- every line they cost PostgreSQL's CSV parser as much as the data itself (item lines are short).
-- Instead the ingestor sets them for its transaction (sql/ingest/set_landing_values.sql) and the
-- columns default to them. IMMUTABLE on purpose, though it reads a setting: COPY plans its
-- defaults once per statement, and an immutable call with constant arguments is folded there, so
-- the value is read once per COPY instead of once per row (COPY of 620k items: 0.50 s CPU
-- this way, 0.60 s reading the setting per row, 0.70 s with both values in every line).
-- The fold is only safe where the plan is not kept: nothing inserts into staging through a
-- prepared statement that leaves these columns out. Outside a landing the value is NULL, which
-- the columns' NOT NULL refuses, so a row can never take another file's run or name.
CREATE FUNCTION staging.landing_value(name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN nullif(current_setting('ecom.landing_' || name, true), '');
END
$$;
ALTER TABLE staging.customers
  ALTER run_id SET DEFAULT staging.landing_value('run_id'), ALTER source_file SET DEFAULT staging.landing_value('source_file');
ALTER TABLE staging.products
  ALTER run_id SET DEFAULT staging.landing_value('run_id'), ALTER source_file SET DEFAULT staging.landing_value('source_file');
ALTER TABLE staging.transactions
  ALTER run_id SET DEFAULT staging.landing_value('run_id'), ALTER source_file SET DEFAULT staging.landing_value('source_file');
ALTER TABLE staging.transaction_items
  ALTER run_id SET DEFAULT staging.landing_value('run_id'), ALTER source_file SET DEFAULT staging.landing_value('source_file');

-- Down Migration
ALTER TABLE staging.customers ALTER run_id DROP DEFAULT, ALTER source_file DROP DEFAULT;
ALTER TABLE staging.products ALTER run_id DROP DEFAULT, ALTER source_file DROP DEFAULT;
ALTER TABLE staging.transactions ALTER run_id DROP DEFAULT, ALTER source_file DROP DEFAULT;
ALTER TABLE staging.transaction_items ALTER run_id DROP DEFAULT, ALTER source_file DROP DEFAULT;
DROP FUNCTION staging.landing_value(text);
DROP INDEX staging.staging_customers_run_brin;
DROP INDEX staging.staging_products_run_brin;
DROP INDEX staging.staging_transactions_run_brin;
DROP INDEX staging.staging_transaction_items_run_brin;
CREATE INDEX staging_customers_run_idx ON staging.customers (run_id, source_file);
CREATE INDEX staging_products_run_idx ON staging.products (run_id, source_file);
CREATE INDEX staging_transactions_run_idx ON staging.transactions (run_id, source_file);
CREATE INDEX staging_transaction_items_run_idx ON staging.transaction_items (run_id, source_file);
