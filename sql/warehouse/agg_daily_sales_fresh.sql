-- The rows agg_daily_sales.sql writes: for the keys this load touched, or for all of them when $1
-- (a rebuild or a bulk load) is true; agg_daily_sales.sql says what they mean. A CREATE TABLE AS of
-- its own, not a CTE of the upsert. For this transaction only.
-- Whole: summed per day from pg_temp.warehouse_customer_daily_fresh (agg_customer_daily_fresh.sql
-- with $1 true, built earlier in the stage: warehouse.service.ts orders the aggregates so), ~0.9M
-- customer-day rows instead of every fact with two distinct counts per day. Exact:
--   total_transactions: a transaction has one customer version and one day, so the day's distinct
--     transactions are the sum of its customer-day rows' distinct transactions;
--   unique_customers: a known version names one customer_id, and on one day a customer_id has at
--     most one version (fact_sales.sql and fact_sales_bulk.sql join the version valid on the day,
--     and versions never overlap), so each known customer-day row is one customer; the unknown
--     member (-1) holds any number of them, counted from its facts (through fact_sales' customer
--     index: none in a clean load).
-- At 1M orders (2.5M facts, one process beside two workers, a 1M bench database): this statement
-- 1.65-1.71 s -> 0.25 s, the customer days' two more sums +0.17-0.19 s.
-- The touched days' distinct counts compare their ids in the "C" collation: a database in a libc
-- locale (C.UTF-8 say) sorts through strcoll without abbreviated keys; "C" compares bytes. Both
-- collations are deterministic (equal only when byte-equal), so the counts are the same.
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
  ),
  unknown_customers AS (
    SELECT
      f.date_key,
      count(DISTINCT f.customer_id) AS customers
    FROM
      warehouse.fact_sales f
    WHERE
      $1::boolean
      AND f.customer_key = -1
    GROUP BY
      f.date_key
  )
SELECT
  c.date_key,
  sum(c.transactions)::int AS total_transactions,
  sum(c.lines)::int AS total_items,
  sum(c.revenue) AS total_revenue,
  coalesce(sum(c.profit), 0) AS total_profit,
  sum(c.discount) AS total_discount,
  (
    count(*) FILTER (
      WHERE
        c.customer_key <> -1
    ) + coalesce(max(u.customers), 0)
  )::int AS unique_customers
FROM
  pg_temp.warehouse_customer_daily_fresh c
  LEFT JOIN unknown_customers u ON u.date_key = c.date_key
WHERE
  $1::boolean
GROUP BY
  c.date_key
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
