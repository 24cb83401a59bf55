-- The end of a full refresh on lanes, in the analytics stage's transaction: the live summaries are
-- dropped and the complete set built in dashboard_next moves into schema dashboard, names,
-- indexes, keys and statistics with it. Readers see all the old summaries until the stage
-- commits and all the new ones after, never a mix and never empty: a reader that comes during
-- the swap waits on the tables' locks until the commit, then finds the new tables by name.
--
-- A swap that held some tables while waiting for a reader of others could deadlock with a reader
-- that holds one of those and waits for one of these (a query locks the tables it names, then
-- those of the functions it calls), and PostgreSQL would fail the reader. So the dashboard's reads
-- pass a gate first (read_gate.sql), which the swap closes before anything else: it waits for
-- the reads under way, and later reads wait at the gate holding no summary table. Then the
-- tables are locked all at once or not at all (NOWAIT, retried), for anyone reading them without
-- the gate; after ~5 s of trying (such readers never leaving a gap, or an autovacuum that only a
-- waiting lock request cancels) the swap waits in line for them.
SELECT
  pg_advisory_xact_lock(hashtext ('dashboard.swap'));

-- The tables: as in refresh_next_prepare.sql.
DO $$
DECLARE
  names text[] := ARRAY['categories', 'places', 'products', 'customers', 'sales_cells', 'customer_days',
                        'product_days', 'discount_cells', 'customer_firsts', 'customer_months', 'customer_years',
                        'sales_months', 'product_months', 'product_years', 'customer_year_months',
                        'return_days'];
  tables text;
  name text;
BEGIN
  SELECT string_agg(format('dashboard.%I, dashboard_next.%I', n, n), ', ') INTO tables FROM unnest(names) AS n;
  FOR attempt IN 1..250 LOOP
    BEGIN
      EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE NOWAIT', tables);
      tables := NULL;
      EXIT;
    EXCEPTION WHEN lock_not_available THEN
      PERFORM pg_sleep(0.02);
    END;
  END LOOP;
  IF tables IS NOT NULL THEN
    EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tables);
  END IF;

  FOREACH name IN ARRAY names LOOP
    EXECUTE format('DROP TABLE dashboard.%I', name);
    EXECUTE format('ALTER TABLE dashboard_next.%I SET SCHEMA dashboard', name);
    EXECUTE format('ALTER TABLE dashboard.%I RESET (autovacuum_enabled)', name);
  END LOOP;
END
$$
