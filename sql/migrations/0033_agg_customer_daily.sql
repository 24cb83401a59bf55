-- Up Migration
-- agg_customer_metrics per customer version covers all of its facts, so a load recomputed every
-- touched version from every one of them: the buyers of a day are the frequent ones, and a
-- one-day delta at 1M orders read ~250k facts of ~2,100 versions from every monthly partition.
-- These partials per (customer version, day) let a load recompute only the days it touched from
-- the facts (agg_customer_daily.sql) and sum a version's days (agg_customer_metrics.sql); the
-- top customers analysis reads units and profit from them too instead of the customers' lines.
-- Per day is exact: a transaction has one date (and one customer version), so its distinct count
-- per day adds up, and the first and last purchase are the version's first and last day here.
-- No foreign key to dim_customers: the rows are derived from facts, which carry one; a deferred
-- trigger per row would fire at COMMIT for every row of a first load.
CREATE TABLE warehouse.agg_customer_daily (
  customer_key bigint NOT NULL,
  date_key     integer NOT NULL,
  transactions integer NOT NULL,
  revenue      numeric NOT NULL,
  quantity     bigint NOT NULL,
  profit       numeric,          -- NULL while every fact of the day has no profit (unknown product)
  PRIMARY KEY (customer_key, date_key)
);

INSERT INTO warehouse.agg_customer_daily (customer_key, date_key, transactions, revenue, quantity, profit)
SELECT customer_key, date_key, count(DISTINCT transaction_id), sum(line_total), sum(quantity), sum(profit)
  FROM warehouse.fact_sales
 GROUP BY customer_key, date_key;

-- Dropping a month of facts drops its daily partials too, so a version recomputed later sums only
-- the facts that are left, as a recompute from fact_sales would.
CREATE OR REPLACE FUNCTION warehouse.drop_fact_sales_partition(partition_name text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  bounds text[];
BEGIN
  SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \((-?\d+)\) TO \((-?\d+)\)')
    INTO bounds
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE i.inhparent = 'warehouse.fact_sales'::regclass
     AND n.nspname = 'warehouse'
     AND c.relname = partition_name
     AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'warehouse.% is not a monthly partition of warehouse.fact_sales', partition_name;
  END IF;
  EXECUTE format('DROP TABLE warehouse.%I', partition_name);
  IF bounds IS NOT NULL THEN
    DELETE FROM warehouse.agg_product_daily WHERE date_key >= bounds[1]::integer AND date_key < bounds[2]::integer;
    DELETE FROM warehouse.agg_customer_daily WHERE date_key >= bounds[1]::integer AND date_key < bounds[2]::integer;
  END IF;
  RETURN true;
END
$$;

-- Down Migration
CREATE OR REPLACE FUNCTION warehouse.drop_fact_sales_partition(partition_name text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  bounds text[];
BEGIN
  SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \((-?\d+)\) TO \((-?\d+)\)')
    INTO bounds
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE i.inhparent = 'warehouse.fact_sales'::regclass
     AND n.nspname = 'warehouse'
     AND c.relname = partition_name
     AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'warehouse.% is not a monthly partition of warehouse.fact_sales', partition_name;
  END IF;
  EXECUTE format('DROP TABLE warehouse.%I', partition_name);
  IF bounds IS NOT NULL THEN
    DELETE FROM warehouse.agg_product_daily WHERE date_key >= bounds[1]::integer AND date_key < bounds[2]::integer;
  END IF;
  RETURN true;
END
$$;
DROP TABLE warehouse.agg_customer_daily;
