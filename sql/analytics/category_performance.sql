-- Categories as sold: the product version valid on the transaction date carries the category.
-- profit_margin_pct = profit / revenue; orders = distinct transactions with a line in the category
-- (analysis_orders.sql); the sums are the category's product versions' (analysis_sums.sql).
WITH
  per_category AS (
    SELECT
      p.category,
      count(DISTINCT p.product_id) AS products,
      sum(s.units_sold)::bigint AS units_sold,
      sum(s.revenue) AS revenue,
      sum(s.cost) AS cost,
      sum(s.profit) AS profit
    FROM
      pg_temp.analysis_sums s
      JOIN warehouse.dim_products p ON p.product_key = s.product_key
    WHERE
      s.kind = 'product'
    GROUP BY
      p.category
  )
SELECT
  c.category,
  c.products,
  o.orders,
  c.units_sold,
  c.revenue,
  c.cost,
  c.profit,
  round(100 * c.profit / nullif(c.revenue, 0), 2) AS profit_margin_pct,
  round(100 * c.revenue / nullif(sum(c.revenue) OVER (), 0), 2) AS revenue_share_pct
FROM
  per_category c
  JOIN pg_temp.analysis_orders o ON o.kind = 'category'
  AND o.category = c.category
ORDER BY
  c.revenue DESC,
  c.category
