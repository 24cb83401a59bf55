-- category_performance.sql from the dashboard summaries (see analysis_source.sql): sales_months
-- per category as sold (orders = transactions with a line in it), products from product_years.
WITH
  sales AS (
    SELECT
      m.category_id,
      sum(m.transactions)::bigint AS orders,
      ops.sum_bigint (m.quantity) AS units_sold,
      round(ops.sum_bigint (m.revenue_cents) / 100.0, 2) AS revenue,
      round(ops.sum_bigint (m.revenue_cents - m.profit_cents) / 100.0, 2) AS cost,
      round(ops.sum_bigint (m.profit_cents) / 100.0, 2) AS profit
    FROM
      dashboard.sales_months m
    WHERE
      m.category_id > 0
    GROUP BY
      m.category_id
  ),
  products AS (
    SELECT
      y.category_id,
      count(DISTINCT y.product_no) AS products
    FROM
      dashboard.product_years y
    WHERE
      y.geo_id = 0
    GROUP BY
      y.category_id
  )
SELECT
  c.category,
  p.products,
  s.orders,
  s.units_sold,
  s.revenue,
  s.cost,
  s.profit,
  round(100 * s.profit / nullif(s.revenue, 0), 2) AS profit_margin_pct,
  round(100 * s.revenue / nullif(sum(s.revenue) OVER (), 0), 2) AS revenue_share_pct
FROM
  sales s
  JOIN products p ON p.category_id = s.category_id
  JOIN dashboard.categories c ON c.category_id = s.category_id
ORDER BY
  s.revenue DESC,
  c.category
