-- Before agg_customer_metrics.sql recomputes every row (a rebuild or a bulk load): its foreign key
-- to dim_customers set aside, and put back by agg_customer_metrics_key_restore.sql, which checks
-- every row in one anti-join. Kept, the deferred key queued one check per written row for COMMIT:
-- ~84k probes of dim_customers at 1M orders, each locking the version it found (0.78 s on a slow
-- machine, against 0.08 s for the one anti-join; the load's COMMIT 0.48 -> 0.16 s in the bench).
-- The definition is read from the catalogue, so the migrations stay its only source.
CREATE TEMP TABLE warehouse_metrics_keys ON
COMMIT
DROP AS
SELECT
  c.conname AS name,
  format('ALTER TABLE warehouse.agg_customer_metrics DROP CONSTRAINT %I', c.conname) AS remove,
  format(
    'ALTER TABLE warehouse.agg_customer_metrics ADD CONSTRAINT %I %s',
    c.conname,
    pg_get_constraintdef(c.oid)
  ) AS restore
FROM
  pg_constraint c
WHERE
  c.conrelid = 'warehouse.agg_customer_metrics'::regclass
  AND c.contype = 'f';

DO $$
DECLARE
  statement text;
BEGIN
  FOR statement IN SELECT remove FROM pg_temp.warehouse_metrics_keys ORDER BY name LOOP
    EXECUTE statement;
  END LOOP;
END
$$;
