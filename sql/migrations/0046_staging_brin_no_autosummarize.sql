-- Up Migration
-- The staging BRIN indexes (0016) stop asking autovacuum to summarise each block range a landing
-- fills. The validate stage summarises the new ranges itself before it reads a run
-- (sql/quality/typed/summarize_staging.sql), so the requests only duplicated that work on a server
-- with autovacuum on, and where autovacuum is off or behind they pile up in its 256-slot work-item
-- table: every range past the 256th is logged as "request for BRIN range summarization for index
-- ... was not recorded", about a thousand lines of the server's log per 1M-order landing.
ALTER INDEX staging.staging_customers_run_brin SET (autosummarize = off);
ALTER INDEX staging.staging_products_run_brin SET (autosummarize = off);
ALTER INDEX staging.staging_transactions_run_brin SET (autosummarize = off);
ALTER INDEX staging.staging_transaction_items_run_brin SET (autosummarize = off);

-- Down Migration
ALTER INDEX staging.staging_customers_run_brin SET (autosummarize = on);
ALTER INDEX staging.staging_products_run_brin SET (autosummarize = on);
ALTER INDEX staging.staging_transactions_run_brin SET (autosummarize = on);
ALTER INDEX staging.staging_transaction_items_run_brin SET (autosummarize = on);
