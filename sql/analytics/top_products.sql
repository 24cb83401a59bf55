-- Top 20 products by revenue over the whole warehouse. Grouped by product_id, never by name:
-- names repeat across products, and the SCD versions of one product share its product_id.
-- Each is shown with its current name and category. From the per-version sums and order counts
-- (analysis_sums.sql, analysis_orders.sql): a transaction has one date, so it holds at most one
-- version of a product, and order counts of the versions add up to the product's.
WITH
  product_sales AS (
    SELECT
      p.product_id,
      sum(s.units_sold)::bigint AS units_sold,
      sum(o.orders)::bigint AS orders,
      sum(s.revenue) AS revenue,
      sum(s.profit) AS profit
    FROM
      pg_temp.analysis_sums s
      JOIN pg_temp.analysis_orders o ON o.kind = 'product'
      AND o.product_key = s.product_key
      JOIN warehouse.dim_products p ON p.product_key = s.product_key
    WHERE
      s.kind = 'product'
    GROUP BY
      p.product_id
    ORDER BY
      revenue DESC,
      p.product_id
    LIMIT
      20
  ),
  current_product AS (
    SELECT DISTINCT
      ON (p.product_id) p.product_id,
      p.product_name,
      p.category
    FROM
      warehouse.dim_products p
    WHERE
      p.product_id IN (
        SELECT
          product_id
        FROM
          product_sales
      )
    ORDER BY
      p.product_id,
      p.is_current DESC,
      p.effective_date DESC
  )
SELECT
  row_number() OVER (
    ORDER BY
      s.revenue DESC,
      s.product_id
  ) AS rank,
  s.product_id,
  c.product_name,
  c.category,
  s.units_sold,
  s.orders,
  s.revenue,
  s.profit,
  round(100 * s.profit / nullif(s.revenue, 0), 2) AS profit_margin_pct
FROM
  product_sales s
  JOIN current_product c ON c.product_id = s.product_id
ORDER BY
  rank
