-- After refresh_clear.sql (the summaries are empty and locked): the summary tables' indexes and
-- primary keys, noted and dropped, so the full refresh writes bare rows and
-- refresh_create_indexes.sql builds each index once, sorted, instead of inserting millions of
-- entries one at a time. The definitions are read from the catalog, so the migrations stay their
-- only source.
CREATE TEMP TABLE dashboard_indexes ON
COMMIT
DROP AS
SELECT
  t.relname AS table_name,
  i.relname AS index_name,
  k.conname AS constraint_name,
  CASE
    WHEN k.oid IS NULL THEN pg_get_indexdef(i.oid)
    ELSE format('ALTER TABLE dashboard.%I ADD CONSTRAINT %I %s', t.relname, k.conname, pg_get_constraintdef(k.oid))
  END AS definition
FROM
  pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  LEFT JOIN pg_constraint k ON k.conindid = i.oid
  AND k.conrelid = t.oid
  AND k.contype IN ('p', 'u')
WHERE
  n.nspname = 'dashboard'
  AND t.relname IN (
    'sales_cells',
    'customer_days',
    'product_days',
    'discount_cells',
    'customer_firsts',
    'customer_months',
    'customer_years',
    'sales_months',
    'product_months',
    'product_years',
    'return_days'
  );

DO $$
DECLARE
  ix record;
BEGIN
  FOR ix IN SELECT * FROM pg_temp.dashboard_indexes LOOP
    IF ix.constraint_name IS NULL THEN
      EXECUTE format('DROP INDEX dashboard.%I', ix.index_name);
    ELSE
      EXECUTE format('ALTER TABLE dashboard.%I DROP CONSTRAINT %I', ix.table_name, ix.constraint_name);
    END IF;
  END LOOP;
END
$$
