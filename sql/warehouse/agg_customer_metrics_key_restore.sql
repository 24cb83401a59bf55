-- After agg_customer_metrics.sql wrote every row: the foreign keys agg_customer_metrics_key_aside.sql
-- set aside, each validated by one anti-join, so a metric naming no customer version still fails
-- the load, here instead of at COMMIT.
DO $$
DECLARE
  statement text;
BEGIN
  FOR statement IN SELECT restore FROM pg_temp.warehouse_metrics_keys ORDER BY name LOOP
    EXECUTE statement;
  END LOOP;
END
$$;

DROP TABLE pg_temp.warehouse_metrics_keys;
