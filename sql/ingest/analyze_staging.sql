-- Fresh statistics once a run's files have all landed: the validator and the transformer plan
-- their joins and aggregates over staging right after, and statistics that still describe the
-- previous run (or an empty table) made one validator query run for minutes (issue 11). Run by
-- the last file part inside its own transaction, so the stage is only marked done (and handed
-- on) with the statistics in place. ANALYZE samples a fixed number of rows, whatever the size.
ANALYZE staging.customers, staging.products, staging.transactions, staging.transaction_items
