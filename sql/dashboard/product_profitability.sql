-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Every product sold in the selection, by product_id with its current name: revenue, cost
-- (revenue - profit, at the cost of the version sold), profit and margin, most profitable first.
-- products: the selection's sales per product (dashboard.product_totals, migration 0015).
WITH
  products AS (
    SELECT
      product_no,
      orders,
      units_sold,
      revenue,
      profit,
      discount_amount
    FROM
      dashboard.product_totals ($1::date, $2::date, $3::text, $4::text, $5::text, $6::text)
  )
SELECT
  p.product_id,
  p.product_name,
  p.category,
  t.units_sold,
  t.orders,
  round(t.revenue, 2) AS revenue,
  round(t.revenue - t.profit, 2) AS cost,
  round(t.profit, 2) AS profit,
  round(100 * t.profit / nullif(t.revenue, 0), 2) AS profit_margin_pct,
  round(t.profit / nullif(t.units_sold, 0), 2) AS profit_per_unit,
  round(t.discount_amount, 2) AS discount_amount
FROM
  products t
  JOIN dashboard.products p ON p.product_no = t.product_no
ORDER BY
  t.profit DESC,
  p.product_id
