-- agg_daily_sales: per day, recomputed from fact_sales for the days this load touched
-- (pg_temp.warehouse_touched), or for every day when $1 (rebuild) is true, so the table always
-- equals a full recompute.
--   total_transactions = distinct transactions; total_items = order lines;
--   unique_customers = distinct customer_id (facts parked on the unknown member still count as
--   the customers they are).
-- Unchanged days are not rewritten; a day left without facts loses its row.
WITH
  touched AS (
    SELECT DISTINCT
      date_key
    FROM
      pg_temp.warehouse_touched
    WHERE
      date_key IS NOT NULL
  ),
  fresh AS (
    -- agg_daily_sales_fresh.sql
    SELECT
      *
    FROM
      pg_temp.warehouse_daily_sales_fresh
  ),
  emptied AS (
    DELETE FROM warehouse.agg_daily_sales a
    WHERE
      (
        $1::boolean
        OR a.date_key IN (
          SELECT
            date_key
          FROM
            touched
        )
      )
      AND NOT EXISTS (
        SELECT
          1
        FROM
          fresh
        WHERE
          fresh.date_key = a.date_key
      )
  )
INSERT INTO
  warehouse.agg_daily_sales AS a (
    date_key,
    total_transactions,
    total_items,
    total_revenue,
    total_profit,
    total_discount,
    unique_customers
  )
SELECT
  date_key,
  total_transactions,
  total_items,
  total_revenue,
  total_profit,
  total_discount,
  unique_customers
FROM
  fresh
ORDER BY
  date_key
ON CONFLICT (date_key) DO UPDATE
SET
  total_transactions = EXCLUDED.total_transactions,
  total_items = EXCLUDED.total_items,
  total_revenue = EXCLUDED.total_revenue,
  total_profit = EXCLUDED.total_profit,
  total_discount = EXCLUDED.total_discount,
  unique_customers = EXCLUDED.unique_customers
WHERE
  (
    a.total_transactions,
    a.total_items,
    a.total_revenue,
    a.total_profit,
    a.total_discount,
    a.unique_customers
  ) IS DISTINCT FROM (
    EXCLUDED.total_transactions,
    EXCLUDED.total_items,
    EXCLUDED.total_revenue,
    EXCLUDED.total_profit,
    EXCLUDED.total_discount,
    EXCLUDED.unique_customers
  )
