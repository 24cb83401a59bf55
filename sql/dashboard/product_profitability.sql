-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Every product sold in the selection, by product_id with its current name: revenue, cost
-- (revenue - profit, at the cost of the version sold), profit and margin, most profitable first.
-- products: the selection's sales per product (dashboard.product_totals, migration 0015).
-- returns_amount: the product's returns in the selection (negative), net_revenue = revenue +
-- returns_amount, for every product sold in the selection; NULL under a payment filter (a return has no
-- payment method). Profit and margin stay on the sales (a return carries no cost).
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
  ),
  returns AS (
    SELECT
      r.product_no,
      sum(r.returns_cents) / 100.0 AS returns_amount
    FROM
      dashboard.return_days_in ($1::date, $2::date, $3::text, $4::text, $5::text) r
    WHERE
      $6::text IS NULL
      AND r.product_no IN (
        SELECT
          product_no
        FROM
          products
      )
    GROUP BY
      r.product_no
  )
SELECT
  p.product_id,
  p.product_name,
  p.category,
  t.units_sold,
  t.orders,
  round(t.revenue, 2) AS revenue,
  CASE
    WHEN $6::text IS NULL THEN round(coalesce(r.returns_amount, 0), 2)
  END AS returns_amount,
  CASE
    WHEN $6::text IS NULL THEN round(t.revenue + coalesce(r.returns_amount, 0), 2)
  END AS net_revenue,
  round(t.revenue - t.profit, 2) AS cost,
  round(t.profit, 2) AS profit,
  round(100 * t.profit / nullif(t.revenue, 0), 2) AS profit_margin_pct,
  round(t.profit / nullif(t.units_sold, 0), 2) AS profit_per_unit,
  round(t.discount_amount, 2) AS discount_amount
FROM
  products t
  JOIN dashboard.products p ON p.product_no = t.product_no
  LEFT JOIN returns r ON r.product_no = t.product_no
ORDER BY
  t.profit DESC,
  p.product_id
