-- After fact_sales_bulk.sql: restores every key, index and foreign key fact_sales_bulk_begin.sql
-- set aside. Each index is built once, by sort; each foreign key is validated by one anti-join
-- per partition, so a fact naming no dimension row still fails the load, here instead of at
-- COMMIT. Then statistics: fact_sales went from empty to every fact, and the aggregates, the
-- reconciliations and the next stage must not plan against an empty table. Only the columns
-- plans join, filter and group on: all columns cost ~4x as much (the text and numeric columns'
-- sorts), ~4 s at 250k facts; autovacuum analyses the partitions in full after COMMIT.
DO $$
DECLARE
  statement text;
BEGIN
  FOR statement IN SELECT restore FROM pg_temp.warehouse_fact_sales_ddl ORDER BY restore_order, name LOOP
    EXECUTE statement;
  END LOOP;
END
$$;

-- A statistics target of 30 samples 9,000 rows per partition instead of 30,000 (~3x less, ~6 s
-- -> ~2 s at 2.5M facts on the loaded machine), enough for the join and group estimates that
-- follow; the load's own setting is put back, and autovacuum analyses the partitions in full later.
DO $$
DECLARE
  previous text := current_setting('default_statistics_target');
BEGIN
  PERFORM set_config('default_statistics_target', '30', true);
  ANALYZE warehouse.fact_sales (item_id, date_key, customer_key, product_key, transaction_id, customer_id, product_id);
  PERFORM set_config('default_statistics_target', previous, true);
END
$$;
