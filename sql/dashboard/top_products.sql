-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Top 20 products by revenue, grouped by product_id (names repeat) and shown with the current
-- name and category. orders = transactions containing the product.
-- products: the selection's sales per product (dashboard.product_totals, migration 0015).
WITH
  products AS (
    SELECT
      product_no,
      orders,
      units_sold,
      revenue,
      profit
    FROM
      dashboard.product_totals ($1::date, $2::date, $3::text, $4::text, $5::text, $6::text)
    ORDER BY
      revenue DESC,
      product_no
    LIMIT
      20
  )
SELECT
  row_number() OVER (
    ORDER BY
      t.revenue DESC,
      p.product_id
  ) AS rank,
  p.product_id,
  p.product_name,
  p.category,
  t.units_sold,
  t.orders,
  round(t.revenue, 2) AS revenue,
  round(t.profit, 2) AS profit,
  round(100 * t.profit / nullif(t.revenue, 0), 2) AS profit_margin_pct
FROM
  products t
  JOIN dashboard.products p ON p.product_no = t.product_no
ORDER BY
  rank
