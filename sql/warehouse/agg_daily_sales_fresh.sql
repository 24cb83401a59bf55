-- The rows agg_daily_sales.sql writes: for the keys this load touched, or for all of them when $1
-- (a rebuild or a bulk load) is true; agg_daily_sales.sql says what they mean. A CREATE TABLE AS of
-- its own, not a CTE of the upsert: an INSERT never gets parallel workers, this SELECT can (the
-- whole agg_daily_sales of 1M orders: 8.6 s in one process, 4.6 s with two workers, on a loaded
-- machine). For this transaction only.
-- The distinct counts compare their ids in the "C" collation: the database's C.UTF-8 is a libc
-- locale, so each comparison of its per-day sorts went through strcoll without abbreviated keys;
-- "C" compares bytes. Both collations are deterministic (equal only when byte-equal), so the counts
-- are the same (every row identical at 1M); the whole first-load SELECT without workers took
-- 4.0-4.3 -> 3.2 CPU-s (backend CPU, A/B/A/B on a 1M clone).
CREATE TEMP TABLE warehouse_daily_sales_fresh ON
COMMIT
DROP AS
WITH
  touched AS (
    SELECT DISTINCT
      date_key
    FROM
      pg_temp.warehouse_touched
    WHERE
      NOT $1::boolean
      AND date_key IS NOT NULL
  )
SELECT
  f.date_key,
  count(DISTINCT f.transaction_id COLLATE "C")::int AS total_transactions,
  count(*)::int AS total_items,
  sum(f.line_total) AS total_revenue,
  coalesce(sum(f.profit), 0) AS total_profit,
  sum(f.discount_amount) AS total_discount,
  count(DISTINCT f.customer_id COLLATE "C")::int AS unique_customers
FROM
  warehouse.fact_sales f
WHERE
  $1::boolean
GROUP BY
  f.date_key
UNION ALL
-- Touched: one probe per touched day, its date pruning the partitions at run time, in this process
-- (as agg_product_daily_fresh.sql). As `date_key = ANY (ARRAY(...))` the planner, which cannot
-- know how many days, started two workers over every partition for a delta's two or three days.
SELECT
  t.date_key,
  d.total_transactions,
  d.total_items,
  d.total_revenue,
  d.total_profit,
  d.total_discount,
  d.unique_customers
FROM
  touched t
  CROSS JOIN LATERAL (
    SELECT
      count(DISTINCT f.transaction_id COLLATE "C")::int AS total_transactions,
      count(*)::int AS total_items,
      sum(f.line_total) AS total_revenue,
      coalesce(sum(f.profit), 0) AS total_profit,
      sum(f.discount_amount) AS total_discount,
      count(DISTINCT f.customer_id COLLATE "C")::int AS unique_customers
    FROM
      warehouse.fact_sales f
    WHERE
      f.date_key = t.date_key
    HAVING
      count(*) > 0
  ) d
