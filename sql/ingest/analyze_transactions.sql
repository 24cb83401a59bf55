-- Fresh statistics for staging.transactions once every transactions file of the run has landed (see
-- sql/ingest/lock_stage_end.sql): the validator and the transformer plan their joins and
-- aggregates over staging right after, and statistics that still describe the previous run (or an
-- empty table) made one validator query run for minutes (issue 11). Run by the entity's last file
-- part inside its own transaction, so the stage is only handed on with the statistics in place;
-- each entity's table is analysed as soon as its own files are in, beside other files still landing.
ANALYZE staging.transactions
