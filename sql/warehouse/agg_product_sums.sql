-- agg_product_sums (migration 0055): per product version, the sums of its rows in
-- agg_product_daily, which agg_product_performance.sql derives the touched versions' rows from.
-- A load adds the change of the (product version, day) pairs it touched: their fresh rows
-- (agg_product_daily_fresh.sql) less the rows they have now, read before agg_product_daily.sql
-- rewrites them. Counts and two-decimal sums add exactly, so each row stays the sum of the
-- version's days; a version left without days loses its row. Summing every day of the ~470
-- product versions a one-day delta touches read ~155k of the ~170k daily rows.
-- A rebuild or a bulk load writes the sums whole (agg_product_sums_whole.sql).
WITH
  touched AS (
    SELECT DISTINCT
      product_key,
      date_key
    FROM
      pg_temp.warehouse_touched
    WHERE
      product_key IS NOT NULL
      AND date_key IS NOT NULL
  ),
  stored AS (
    -- One primary-key probe per touched pair (LIMIT 1: the key is unique; without statistics the
    -- planner built a bitmap for each probe of an equality on both columns).
    SELECT
      d.*
    FROM
      touched t
      CROSS JOIN LATERAL (
        SELECT
          d.product_key,
          d.quantity,
          d.transactions,
          d.revenue,
          d.profit,
          d.discount_percentage_sum,
          d.lines
        FROM
          warehouse.agg_product_daily d
        WHERE
          d.product_key = t.product_key
          AND d.date_key = t.date_key
        LIMIT
          1
      ) d
  ),
  change AS (
    SELECT
      product_key,
      sum(quantity) AS quantity,
      sum(transactions) AS transactions,
      sum(revenue) AS revenue,
      sum(profit) AS profit,
      sum(discount_percentage_sum) AS discount_percentage_sum,
      sum(lines) AS lines
    FROM
      (
        SELECT
          product_key,
          quantity,
          transactions,
          revenue,
          coalesce(profit, 0) AS profit,
          discount_percentage_sum,
          lines
        FROM
          pg_temp.warehouse_product_daily_fresh
        UNION ALL
        SELECT
          product_key,
          - quantity,
          - transactions,
          - revenue,
          - coalesce(profit, 0),
          - discount_percentage_sum,
          - lines
        FROM
          stored
      ) c
    GROUP BY
      product_key
  ),
  summed AS (
    SELECT
      c.product_key,
      (coalesce(s.quantity, 0) + c.quantity)::bigint AS quantity,
      (coalesce(s.transactions, 0) + c.transactions)::bigint AS transactions,
      coalesce(s.revenue, 0) + c.revenue AS revenue,
      coalesce(s.profit, 0) + c.profit AS profit,
      coalesce(s.discount_percentage_sum, 0) + c.discount_percentage_sum AS discount_percentage_sum,
      (coalesce(s.lines, 0) + c.lines)::bigint AS lines
    FROM
      change c
      LEFT JOIN warehouse.agg_product_sums s ON s.product_key = c.product_key
  ),
  emptied AS (
    DELETE FROM warehouse.agg_product_sums s
    WHERE
      s.product_key IN (
        SELECT
          product_key
        FROM
          summed
        WHERE
          lines = 0
      )
  )
INSERT INTO
  warehouse.agg_product_sums AS s (product_key, quantity, transactions, revenue, profit, discount_percentage_sum, lines)
SELECT
  product_key,
  quantity,
  transactions,
  revenue,
  profit,
  discount_percentage_sum,
  lines
FROM
  summed
WHERE
  lines <> 0
ORDER BY
  product_key
ON CONFLICT (product_key) DO UPDATE
SET
  quantity = EXCLUDED.quantity,
  transactions = EXCLUDED.transactions,
  revenue = EXCLUDED.revenue,
  profit = EXCLUDED.profit,
  discount_percentage_sum = EXCLUDED.discount_percentage_sum,
  lines = EXCLUDED.lines
WHERE
  (s.quantity, s.transactions, s.revenue, s.profit, s.discount_percentage_sum, s.lines) IS DISTINCT FROM (
    EXCLUDED.quantity,
    EXCLUDED.transactions,
    EXCLUDED.revenue,
    EXCLUDED.profit,
    EXCLUDED.discount_percentage_sum,
    EXCLUDED.lines
  )
