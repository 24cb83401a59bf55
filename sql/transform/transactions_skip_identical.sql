-- Spliced into sql/transform/transactions.sql ({{skip_identical}}) when production.transactions
-- already holds rows: an accepted order whose production row is identical is left out of the
-- upsert. ON CONFLICT would find it, lock it (dirtying its page) and then write nothing; at 1M
-- re-delivered orders that cost ~14 s of run 2. An order not in `changed` (transactions_decide.sql,
-- the verdicts' column) has every staged header line identical to its production row (the columns
-- transactions_on_conflict.sql compares, so what is written does not change); one found there for
-- its lines but with the same header is left to ON CONFLICT, which writes nothing for it. The
-- comparison with production was made once, in `changed`. Nothing else can change the row
-- meanwhile: one run at a time (docs/operations.md) and this is its transaction.
AND d.changed
