-- agg_product_performance: per product version (the key facts carry), the sum of its days in
-- agg_product_daily, read from their running sums in agg_product_sums (agg_product_sums.sql runs
-- before agg_product_daily.sql), for the product versions this load touched
-- (pg_temp.warehouse_touched), or for all when $1 (rebuild) is true, so the table always equals a
-- full recompute from fact_sales.
--   total_transactions = distinct transactions containing the product (a transaction has one
--   date, so the per-day distinct counts add up);
--   avg_discount_percentage = mean discount percentage over its order lines (sum / count is what
--   avg() computes: numeric_avg divides with numeric_div as well).
-- The sums instead of the facts: a one-day delta touches nearly every product version (500
-- products), and recomputing them from fact_sales read ~95% of it (3.9 s at 1M orders); summing
-- their days read ~155k daily rows (60-80 ms of CPU at 1M orders), the sums ~470 rows.
-- Unchanged rows are not rewritten; a version left without facts loses its row.
WITH
  touched AS (
    SELECT DISTINCT
      product_key
    FROM
      pg_temp.warehouse_touched
    WHERE
      product_key IS NOT NULL
  ),
  fresh AS (
    SELECT
      s.product_key,
      s.quantity AS total_quantity_sold,
      s.transactions::int AS total_transactions,
      s.revenue AS total_revenue,
      s.profit AS total_profit,
      round(s.discount_percentage_sum / s.lines, 2) AS avg_discount_percentage
    FROM
      warehouse.agg_product_sums s
    WHERE
      $1::boolean
      OR s.product_key = ANY (
        ARRAY(
          SELECT
            product_key
          FROM
            touched
        )
      )
  ),
  emptied AS (
    DELETE FROM warehouse.agg_product_performance a
    WHERE
      (
        $1::boolean
        OR a.product_key IN (
          SELECT
            product_key
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
          fresh.product_key = a.product_key
      )
  )
INSERT INTO
  warehouse.agg_product_performance AS a (
    product_key,
    total_quantity_sold,
    total_transactions,
    total_revenue,
    total_profit,
    avg_discount_percentage
  )
SELECT
  product_key,
  total_quantity_sold,
  total_transactions,
  total_revenue,
  total_profit,
  avg_discount_percentage
FROM
  fresh
ORDER BY
  product_key
ON CONFLICT (product_key) DO UPDATE
SET
  total_quantity_sold = EXCLUDED.total_quantity_sold,
  total_transactions = EXCLUDED.total_transactions,
  total_revenue = EXCLUDED.total_revenue,
  total_profit = EXCLUDED.total_profit,
  avg_discount_percentage = EXCLUDED.avg_discount_percentage
WHERE
  (
    a.total_quantity_sold,
    a.total_transactions,
    a.total_revenue,
    a.total_profit,
    a.avg_discount_percentage
  ) IS DISTINCT FROM (
    EXCLUDED.total_quantity_sold,
    EXCLUDED.total_transactions,
    EXCLUDED.total_revenue,
    EXCLUDED.total_profit,
    EXCLUDED.avg_discount_percentage
  )
