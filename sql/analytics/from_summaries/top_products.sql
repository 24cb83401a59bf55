-- top_products.sql from the dashboard summaries (see analysis_source.sql): per product_no
-- (= product_id) the all-places-and-methods rows of product_years; money in cents, back to 2
-- decimals as the facts hold it.
WITH
  product_sales AS (
    SELECT
      y.product_no,
      ops.sum_bigint (y.quantity) AS units_sold,
      sum(y.transactions)::bigint AS orders,
      round(ops.sum_bigint (y.revenue_cents) / 100.0, 2) AS revenue,
      round(ops.sum_bigint (y.profit_cents) / 100.0, 2) AS profit
    FROM
      dashboard.product_years y
    WHERE
      y.geo_id = 0
    GROUP BY
      y.product_no
  )
SELECT
  row_number() OVER (
    ORDER BY
      s.revenue DESC,
      p.product_id
  ) AS rank,
  p.product_id,
  p.product_name,
  p.category,
  s.units_sold,
  s.orders,
  s.revenue,
  s.profit,
  round(100 * s.profit / nullif(s.revenue, 0), 2) AS profit_margin_pct
FROM
  product_sales s
  JOIN dashboard.products p ON p.product_no = s.product_no
ORDER BY
  rank
LIMIT
  20
