-- Before a load into an EMPTY fact_sales (facts_empty.sql): set its keys, indexes and foreign keys
-- aside, so fact_sales_bulk.sql writes plain rows and fact_sales_bulk_end.sql builds each index
-- once by sort and checks each foreign key with one anti-join per partition.
-- Why: row by row, every fact inserted into six indexes and fired four foreign-key triggers (two
-- of them deferred to COMMIT): at 1M facts ~17 buffer visits per row, and a 27-46 s COMMIT.
-- The definitions are read from the catalogue, so the migrations stay their only source; every
-- one is restored, and checked, before the transaction commits. The ALTERs lock fact_sales and
-- its dimensions until COMMIT: readers wait for a first load or a rebuild (whose TRUNCATE already
-- locked them) to finish instead of seeing a half-built warehouse.
CREATE TEMP TABLE warehouse_fact_sales_ddl ON
COMMIT
DROP AS
SELECT
  c.conname AS name,
  -- restore order: keys (their indexes), then plain indexes, then foreign keys
  CASE c.contype
    WHEN 'f' THEN 3
    ELSE 1
  END AS restore_order,
  format('ALTER TABLE warehouse.fact_sales DROP CONSTRAINT %I', c.conname) AS remove,
  format('ALTER TABLE warehouse.fact_sales ADD CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)) AS restore
FROM
  pg_constraint c
WHERE
  c.conrelid = 'warehouse.fact_sales'::regclass
  AND c.contype IN ('p', 'u', 'f')
UNION ALL
SELECT
  i.indexrelid::regclass::text,
  2,
  format('DROP INDEX %s', i.indexrelid::regclass),
  -- ON ONLY would create the parent's index alone, invalid, without its partitions'
  replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')
FROM
  pg_index i
WHERE
  i.indrelid = 'warehouse.fact_sales'::regclass
  AND NOT EXISTS (
    SELECT
      1
    FROM
      pg_constraint c
    WHERE
      c.conindid = i.indexrelid
      AND c.conrelid = i.indrelid
  );

DO $$
DECLARE
  statement text;
BEGIN
  -- Foreign keys first (nothing else depends on them), then plain indexes, then the keys.
  FOR statement IN SELECT remove FROM pg_temp.warehouse_fact_sales_ddl ORDER BY restore_order DESC, name LOOP
    EXECUTE statement;
  END LOOP;
END
$$;
