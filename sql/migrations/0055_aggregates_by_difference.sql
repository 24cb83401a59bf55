-- Up Migration
-- agg_product_performance.sql summed all daily partials of every product version a load touched:
-- a one-day delta touches ~470 of ~530 versions, so it read and added ~155k of agg_product_daily's
-- ~170k rows (60-80 ms of backend CPU of a one-day delta at 1M orders). These running sums per
-- product version hold exactly the sum of its rows in agg_product_daily, so a load adds the change
-- of the days it touched (agg_product_sums.sql) and derives the touched versions' performance from
-- one row each. The mean discount is kept as its sum and count of lines, as the daily partials do.
-- profit is the sum of the days' non-NULL profits (0 when none), what agg_product_performance keeps.
-- No foreign key to dim_products, as agg_product_daily has none: derived from the partials.
CREATE TABLE warehouse.agg_product_sums (
  product_key             bigint PRIMARY KEY,
  quantity                bigint NOT NULL,
  transactions            bigint NOT NULL,
  revenue                 numeric NOT NULL,
  profit                  numeric NOT NULL,
  discount_percentage_sum numeric NOT NULL,
  lines                   bigint NOT NULL
);

INSERT INTO warehouse.agg_product_sums
  (product_key, quantity, transactions, revenue, profit, discount_percentage_sum, lines)
SELECT product_key, sum(quantity), sum(transactions), sum(revenue), coalesce(sum(profit), 0),
       sum(discount_percentage_sum), sum(lines)
  FROM warehouse.agg_product_daily
 GROUP BY product_key;

-- agg_customer_metrics_fresh.sql takes a touched customer version's metrics as its stored row plus
-- the change of its touched days (agg_customer_daily_before.sql) instead of summing all its days
-- (~85k daily rows for the ~2,300 versions of a one-day delta at 1M orders). That holds while the
-- stored row is the sum of the version's rows in agg_customer_daily, which dropping a month breaks
-- on purpose (agg_customer_metrics keeps the dropped month until a load recomputes the version from
-- what is left). The versions whose stored metrics may not be that sum are listed here: those with
-- a daily row in a dropped month, recorded by drop_fact_sales_partition, and at this migration
-- every version whose row differs from its days. A load sums a listed version's days and takes it
-- off the list.
CREATE TABLE warehouse.agg_customer_metrics_stale (
  customer_key bigint PRIMARY KEY
);

INSERT INTO warehouse.agg_customer_metrics_stale (customer_key)
SELECT a.customer_key
  FROM warehouse.agg_customer_metrics a
  LEFT JOIN (
    SELECT d.customer_key, sum(d.transactions) AS transactions, sum(d.revenue) AS revenue,
           min(d.date_key) AS first_date_key, max(d.date_key) AS last_date_key
      FROM warehouse.agg_customer_daily d
     GROUP BY d.customer_key
  ) s ON s.customer_key = a.customer_key
 WHERE (a.total_transactions, a.total_spent, to_char(a.first_purchase_date, 'YYYYMMDD')::integer,
        to_char(a.last_purchase_date, 'YYYYMMDD')::integer)
       IS DISTINCT FROM (s.transactions, s.revenue, s.first_date_key, s.last_date_key);

-- Dropping a month drops its daily partials (0033) and now sums the remaining days of the product
-- versions that had one in it, so the sums stay the sums of agg_product_daily, and lists the
-- customer versions that had one in it as stale. agg_product_performance and agg_customer_metrics
-- themselves are left as they were: a version recomputed later sums only the facts that are left.
CREATE OR REPLACE FUNCTION warehouse.drop_fact_sales_partition(partition_name text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  bounds text[];
  products bigint[];
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
    SELECT coalesce(array_agg(DISTINCT product_key), '{}')
      INTO products
      FROM warehouse.agg_product_daily
     WHERE date_key >= bounds[1]::integer AND date_key < bounds[2]::integer;
    DELETE FROM warehouse.agg_product_daily WHERE date_key >= bounds[1]::integer AND date_key < bounds[2]::integer;
    INSERT INTO warehouse.agg_customer_metrics_stale (customer_key)
    SELECT DISTINCT customer_key
      FROM warehouse.agg_customer_daily
     WHERE date_key >= bounds[1]::integer AND date_key < bounds[2]::integer
    ON CONFLICT DO NOTHING;
    DELETE FROM warehouse.agg_customer_daily WHERE date_key >= bounds[1]::integer AND date_key < bounds[2]::integer;
    DELETE FROM warehouse.agg_product_sums s
     WHERE s.product_key = ANY (products);
    INSERT INTO warehouse.agg_product_sums
      (product_key, quantity, transactions, revenue, profit, discount_percentage_sum, lines)
    SELECT d.product_key, sum(d.quantity), sum(d.transactions), sum(d.revenue), coalesce(sum(d.profit), 0),
           sum(d.discount_percentage_sum), sum(d.lines)
      FROM warehouse.agg_product_daily d
     WHERE d.product_key = ANY (products)
     GROUP BY d.product_key;
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
    DELETE FROM warehouse.agg_customer_daily WHERE date_key >= bounds[1]::integer AND date_key < bounds[2]::integer;
  END IF;
  RETURN true;
END
$$;
DROP TABLE warehouse.agg_product_sums;
DROP TABLE warehouse.agg_customer_metrics_stale;
