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

ANALYZE warehouse.fact_sales (item_id, date_key, customer_key, product_key, transaction_id, customer_id, product_id);
