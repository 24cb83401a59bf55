-- A filled table of dashboard_next (refresh_next_prepare.sql) gets the indexes and primary or
-- unique keys of its live namesake, read from the catalog (the migrations stay their only
-- source), each built once over all the rows; then its statistics.
-- Template: {{table}} the table's name (a plain identifier).
-- The builds run without parallel workers: the two lanes already keep both cores busy, and the
-- workers cost more CPU than they saved (1M orders: the indexes and statistics 16.5-23.9 ->
-- 12.5-15.7 CPU-s per refresh; docs/performance.md). Local to the lane's transaction.
SET
  LOCAL max_parallel_maintenance_workers = 0;

DO $$
DECLARE
  ix record;
BEGIN
  FOR ix IN
    SELECT CASE WHEN k.oid IS NULL THEN regexp_replace(pg_get_indexdef(i.oid), ' ON dashboard\.', ' ON dashboard_next.')
                ELSE format('ALTER TABLE dashboard_next.%I ADD CONSTRAINT %I %s', t.relname, k.conname, pg_get_constraintdef(k.oid)) END
             AS definition
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      LEFT JOIN pg_constraint k ON k.conindid = i.oid AND k.conrelid = t.oid AND k.contype IN ('p', 'u')
     WHERE t.oid = 'dashboard.{{table}}'::regclass
     ORDER BY i.relname
  LOOP
    EXECUTE ix.definition;
  END LOOP;
END
$$;

ANALYZE dashboard_next.{{table}}
