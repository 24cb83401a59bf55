-- The rows agg_customer_daily.sql writes: for the keys this load touched, or for all of them when
-- $1 (a rebuild or a bulk load) is true; agg_customer_daily.sql says what they mean. A CREATE
-- TABLE AS of its own, not a CTE of the upsert: an INSERT never gets parallel workers, this
-- SELECT can. For this transaction only.
-- lines and discount are for agg_daily_sales_fresh.sql, which in a whole load sums these rows per
-- day instead of reading every fact again; agg_customer_daily itself keeps neither.
CREATE TEMP TABLE warehouse_customer_daily_fresh ON
COMMIT
DROP AS
WITH
  touched AS (
    SELECT DISTINCT
      customer_key,
      date_key
    FROM
      pg_temp.warehouse_touched
    WHERE
      NOT $1::boolean
      AND customer_key IS NOT NULL
      AND date_key IS NOT NULL
  )
  -- Whole: grouped by date_key, fact_sales' partition key, each month is aggregated on its own
  -- (enable_partitionwise_aggregate, partitionwise_aggregate.sql), in memory and in parallel. One
  -- level with count(DISTINCT): grouping per transaction first left ~1M (customer version, day)
  -- groups to a second, unpartitioned hash that spilled (41 s against 12 s on a loaded 1M clone).
SELECT
  f.customer_key,
  f.date_key,
  count(DISTINCT f.transaction_id)::int AS transactions,
  sum(f.line_total) AS revenue,
  sum(f.quantity)::bigint AS quantity,
  sum(f.profit) AS profit,
  count(*)::int AS lines,
  sum(f.discount_amount) AS discount
FROM
  warehouse.fact_sales f
WHERE
  $1::boolean
GROUP BY
  f.customer_key,
  f.date_key
UNION ALL
-- Touched: one probe per touched day, its date pruning the partitions at run time, for the day's
-- touched customer versions at once (a one-day delta: one probe that reads the day's facts once,
-- where a probe per pair cost ~0.15 ms each for ~2,100 pairs). Grouped inside the probe, so a
-- pair without facts any more yields no row.
SELECT
  d.customer_key,
  t.date_key,
  d.transactions,
  d.revenue,
  d.quantity,
  d.profit,
  d.lines,
  d.discount
FROM
  (
    SELECT
      date_key,
      array_agg(customer_key) AS customer_keys
    FROM
      touched
    GROUP BY
      date_key
  ) t
  CROSS JOIN LATERAL (
    SELECT
      f.customer_key,
      count(DISTINCT f.transaction_id)::int AS transactions,
      sum(f.line_total) AS revenue,
      sum(f.quantity)::bigint AS quantity,
      sum(f.profit) AS profit,
      count(*)::int AS lines,
      sum(f.discount_amount) AS discount
    FROM
      warehouse.fact_sales f
    WHERE
      f.date_key = t.date_key
      AND f.customer_key = ANY (t.customer_keys)
    GROUP BY
      f.customer_key
  ) d
