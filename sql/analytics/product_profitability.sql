-- Every product sold, grouped by product_id (names repeat; SCD versions share the id) and shown
-- with its current name and category. cost = revenue - profit, i.e. the cost of the product
-- version valid at each sale; profit_margin_pct = profit / revenue. From the per-version sums
-- and order counts (analysis_sums.sql, analysis_orders.sql; see top_products.sql).
-- returns_amount: the product's returns (warehouse.fact_returns, by product_id, negative: credit
-- notes), net_revenue = revenue + returns_amount; profit and margin stay on the sales (a return
-- carries no cost). Products with returns but no sale are not listed.
WITH
  per_product AS (
    SELECT
      p.product_id,
      sum(s.units_sold)::bigint AS units_sold,
      sum(o.orders)::bigint AS orders,
      sum(s.revenue) AS revenue,
      sum(s.cost) AS cost,
      sum(s.profit) AS profit,
      sum(s.discount_amount) AS discount_amount
    FROM
      pg_temp.analysis_sums s
      JOIN pg_temp.analysis_orders o ON o.kind = 'product'
      AND o.product_key = s.product_key
      JOIN warehouse.dim_products p ON p.product_key = s.product_key
    WHERE
      s.kind = 'product'
    GROUP BY
      p.product_id
  ),
  returns AS (
    SELECT
      r.product_id,
      sum(r.line_total) AS returns_amount
    FROM
      warehouse.fact_returns r
    GROUP BY
      r.product_id
  ),
  current_product AS (
    SELECT DISTINCT
      ON (p.product_id) p.product_id,
      p.product_name,
      p.category
    FROM
      warehouse.dim_products p
    ORDER BY
      p.product_id,
      p.is_current DESC,
      p.effective_date DESC
  )
SELECT
  s.product_id,
  c.product_name,
  c.category,
  s.units_sold,
  s.orders,
  s.revenue,
  s.cost,
  s.profit,
  round(100 * s.profit / nullif(s.revenue, 0), 2) AS profit_margin_pct,
  round(s.profit / nullif(s.units_sold, 0), 2) AS profit_per_unit,
  s.discount_amount,
  coalesce(r.returns_amount, 0) AS returns_amount,
  s.revenue + coalesce(r.returns_amount, 0) AS net_revenue
FROM
  per_product s
  JOIN current_product c ON c.product_id = s.product_id
  LEFT JOIN returns r ON r.product_id = s.product_id
ORDER BY
  s.profit DESC,
  s.product_id
