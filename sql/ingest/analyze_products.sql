-- Fresh statistics for staging.products once every products file of a big run has landed (see
-- sql/ingest/analyze_decision.sql): the validator and the transformer plan their joins and
-- aggregates over staging right after, and statistics that still describe the previous run (or an
-- empty table) made one validator query run for minutes (issue 11). Run by the entity's last file
-- part inside its own transaction, so the stage is only handed on with the statistics in place,
-- each table as soon as its own files are in, beside other files still landing.
-- The row count and the columns plans hinge on: run_id (every stage's filter) and the keys the
-- checks and the transform join and group on. Other columns are only ever tested row by row,
-- and leaving them out makes the ANALYZE a third of the full one at 1M orders.
ANALYZE staging.products (run_id, product_id)
