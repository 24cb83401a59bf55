-- The rows agg_product_daily.sql writes: for the keys this load touched, or for all of them when $1
-- (a rebuild or a bulk load) is true; agg_product_daily.sql says what they mean. A CREATE TABLE AS
-- of its own, not a CTE of the upsert: an INSERT never gets parallel workers, this SELECT can (the
-- whole agg_daily_sales of 1M orders: 8.6 s in one process, 4.6 s with two workers, on a loaded
-- machine). For this transaction only.
-- The distinct count compares ids in the "C" collation (agg_daily_sales_fresh.sql says why; the
-- same counts): the whole first-load SELECT without workers 3.29 / 3.28 -> 2.99 / 3.14 CPU-s. Not in
-- agg_customer_daily_fresh.sql, whose groups hold ~3 lines: measured equal there.
CREATE TEMP TABLE warehouse_product_daily_fresh ON
COMMIT
DROP AS
WITH
  touched AS (
    SELECT DISTINCT
      product_key,
      date_key
    FROM
      pg_temp.warehouse_touched
    WHERE
      NOT $1::boolean
      AND product_key IS NOT NULL
      AND date_key IS NOT NULL
  )
  -- Whole: grouped by date_key, fact_sales' partition key, each month is aggregated on its own
  -- (enable_partitionwise_aggregate, partitionwise_aggregate.sql), in memory.
SELECT
  f.product_key,
  f.date_key,
  sum(f.quantity)::bigint AS quantity,
  count(DISTINCT f.transaction_id COLLATE "C")::int AS transactions,
  sum(f.line_total) AS revenue,
  sum(f.profit) AS profit,
  sum(f.discount_percentage) AS discount_percentage_sum,
  count(*)::int AS lines
FROM
  warehouse.fact_sales f
WHERE
  $1::boolean
GROUP BY
  f.product_key,
  f.date_key
UNION ALL
-- Touched: one probe per touched day, its date pruning the partitions at run time, for the day's
-- touched product versions at once (a one-day delta: one probe that reads the day's facts once,
-- where a probe per pair paid a bitmap of the day per product). Grouped inside the probe, so a
-- pair without facts any more yields no row.
SELECT
  d.product_key,
  t.date_key,
  d.quantity,
  d.transactions,
  d.revenue,
  d.profit,
  d.discount_percentage_sum,
  d.lines
FROM
  (
    SELECT
      date_key,
      array_agg(product_key) AS product_keys
    FROM
      touched
    GROUP BY
      date_key
  ) t
  CROSS JOIN LATERAL (
    SELECT
      f.product_key,
      sum(f.quantity)::bigint AS quantity,
      count(DISTINCT f.transaction_id COLLATE "C")::int AS transactions,
      sum(f.line_total) AS revenue,
      sum(f.profit) AS profit,
      sum(f.discount_percentage) AS discount_percentage_sum,
      count(*)::int AS lines
    FROM
      warehouse.fact_sales f
    WHERE
      f.date_key = t.date_key
      AND f.product_key = ANY (t.product_keys)
    GROUP BY
      f.product_key
  ) d
