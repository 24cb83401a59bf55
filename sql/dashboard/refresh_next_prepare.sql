-- A full refresh on lanes (apps/analytics/src/dashboard-summaries) builds every summary afresh in
-- schema dashboard_next, under the names and definitions of the live tables in dashboard. Whatever
-- an earlier attempt left there (a crash or a failed lane between its commits) is dropped first, so
-- a retry starts from nothing. Each table is created empty like the live one (columns, defaults,
-- NOT NULLs, checks, column comments; the table's own comment, which LIKE does not copy, after it)
-- without its indexes: the lanes build those once a table is filled
-- (refresh_next_finish.sql). UNLOGGED, as the live tables are since migration 0057: derived data,
-- rebuilt by a full refresh after a crash empties them, so their rows are not written to the
-- write-ahead log as well. Autovacuum stays off them while they are built (the lanes analyse
-- them themselves); the swap turns it back on (refresh_next_swap.sql).
-- The tables: every dashboard table but refresh_state, as in refresh_next_swap.sql.
DO $$
DECLARE
  name text;
BEGIN
  FOR name IN SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'dashboard_next'::regnamespace AND c.relkind = 'r' LOOP
    EXECUTE format('DROP TABLE dashboard_next.%I', name);
  END LOOP;
  FOREACH name IN ARRAY ARRAY['categories', 'places', 'products', 'customers', 'sales_cells', 'customer_days',
                              'product_days', 'discount_cells', 'customer_firsts', 'customer_months', 'customer_years',
                              'sales_months', 'product_months', 'product_years', 'customer_year_months',
                              'return_days'] LOOP
    EXECUTE format('CREATE UNLOGGED TABLE dashboard_next.%I (LIKE dashboard.%I INCLUDING ALL EXCLUDING INDEXES) WITH (autovacuum_enabled = false)',
                   name, name);
    EXECUTE format('COMMENT ON TABLE dashboard_next.%I IS %L', name, obj_description(format('dashboard.%I', name)::regclass, 'pg_class'));
  END LOOP;
END
$$
