-- The sums the ten analyses start from, in one pass over the facts (dropped at commit): per
-- customer version (kind 'customer'), per day and payment method ('day'), per product version
-- ('product') and per discount band ('band': 1 = 0 %, 2 = (0, 10], 3 = (10, 20], 4 = (20, 30],
-- 5 = over 30, as in discount_impact.sql). Coarser groups (customer_id, place, month, category)
-- are sums of these rows, and sum() over them skips NULL profits exactly as over the lines. The
-- distinct order counts come from analysis_orders.sql.
CREATE TEMP TABLE analysis_sums ON
COMMIT
DROP AS
SELECT
  CASE
    WHEN grouping(f.customer_key) = 0 THEN 'customer'
    WHEN grouping(f.product_key) = 0 THEN 'product'
    WHEN grouping(b.band) = 0 THEN 'band'
    ELSE 'day'
  END AS kind,
  f.customer_key,
  f.date_key,
  f.payment_method_key,
  f.product_key,
  b.band,
  count(*) AS lines,
  sum(f.quantity) AS units_sold,
  sum(f.quantity * f.unit_price) AS gross_revenue,
  sum(f.discount_amount) AS discount_amount,
  sum(f.line_total) AS revenue,
  sum(f.line_total - f.profit) AS cost,
  sum(f.profit) AS profit,
  sum(f.discount_percentage) AS discount_pct_sum,
  min(f.date_key) AS first_date_key,
  max(f.date_key) AS last_date_key
FROM
  warehouse.fact_sales f
  CROSS JOIN LATERAL (
    SELECT
      CASE
        WHEN f.discount_percentage <= 0 THEN 1
        WHEN f.discount_percentage <= 10 THEN 2
        WHEN f.discount_percentage <= 20 THEN 3
        WHEN f.discount_percentage <= 30 THEN 4
        ELSE 5
      END AS band
  ) AS b
GROUP BY
  GROUPING SETS ((f.customer_key), (f.date_key, f.payment_method_key), (f.product_key), (b.band))
