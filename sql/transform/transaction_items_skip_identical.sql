-- Spliced into sql/transform/transaction_items.sql ({{skip_identical}}) when
-- production.transaction_items already holds rows: an accepted line whose production row is
-- identical is left out of the upsert. ON CONFLICT would find it, lock it (dirtying its page) and
-- then write nothing; at 2.5M re-delivered lines that cost ~10 s of run 2. Whether production holds
-- the line unchanged was found once by order_lines.sql (same_in_production, the columns
-- transaction_items_on_conflict.sql compares, so what is written does not change); nothing has
-- written production.transaction_items since, and nothing else can change the row meanwhile: one
-- run at a time (docs/operations.md) and this is its transaction.
AND NOT d.same_in_production
