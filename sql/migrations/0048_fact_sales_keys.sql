-- Up Migration
-- Two of fact_sales' text indexes cost a first load (or a rebuild) more than they give: their
-- builds are the dearest part of the restore after its bulk insert (fact_sales_bulk_end.sql, a sort
-- of 2.5M text keys each at 1M orders), and every fact a delta writes enters each of them.
--
-- The index on transaction_id (0004) serves no statement: no load, reconciliation, summary
-- refresh, analysis or dashboard query looks facts up by their order (those that read the column
-- group or count it over whole partitions or days, reached through date_key and the keys; a
-- replayed delta scanned it 0 times). Dropping the parent's index drops each partition's.
DROP INDEX warehouse.fact_sales_transaction_idx;

-- item_id in the "C" collation: the unique key (item_id, date_key) is then sorted and compared
-- bytewise. The database's C.UTF-8 is a libc locale, which PostgreSQL 15 compares through strcoll
-- and without abbreviated keys. Both collations are deterministic (equal only when byte-equal), and
-- C.UTF-8 orders by code point, which is byte order in UTF-8: the same matches, groups and order.
-- Compared with a column in the default collation (the sales lines, production, staging) an
-- implicit "C" wins, so those comparisons are made in "C" and still use this key; no view reads
-- item_id. Only the unique key is rebuilt (no table rewrite). Partitions created later copy the
-- collation (LIKE), which ATTACH requires.
ALTER TABLE warehouse.fact_sales ALTER COLUMN item_id TYPE text COLLATE "C";

-- Down Migration
ALTER TABLE warehouse.fact_sales ALTER COLUMN item_id TYPE text COLLATE "default";
CREATE INDEX fact_sales_transaction_idx ON warehouse.fact_sales (transaction_id);
