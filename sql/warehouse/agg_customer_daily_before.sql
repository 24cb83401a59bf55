-- The touched (customer version, day) pairs' rows of agg_customer_daily as they are before
-- agg_customer_daily.sql rewrites them: agg_customer_metrics_fresh.sql adds a version's fresh rows
-- less these to its stored metrics. Empty for a rebuild or a bulk load ($1), which sums every
-- version's days. For this transaction only.
CREATE TEMP TABLE warehouse_customer_daily_before ON
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
SELECT
  d.customer_key,
  d.date_key,
  d.transactions,
  d.revenue
FROM
  touched t
  -- One primary-key probe per pair (~2,300 in a one-day delta at 1M orders, most of them the new
  -- day's, not found). LIMIT 1, the key being unique: without statistics the planner expects ~23
  -- rows from an equality on both columns and built a bitmap for each probe (30 ms against 10 ms).
  CROSS JOIN LATERAL (
    SELECT
      d.customer_key,
      d.date_key,
      d.transactions,
      d.revenue
    FROM
      warehouse.agg_customer_daily d
    WHERE
      d.customer_key = t.customer_key
      AND d.date_key = t.date_key
    LIMIT
      1
  ) d
