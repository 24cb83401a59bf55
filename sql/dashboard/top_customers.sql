-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- The 20 customers (by customer_id) who spent most in the selection, with current name and home.
-- customer_spend: the selection's sales per customer (dashboard.customer_totals, migration 0015).
WITH
  customer_spend AS (
    SELECT
      customer_no,
      spent_cents,
      orders
    FROM
      dashboard.customer_totals ($1::date, $2::date, $3::text, $4::text, $5::text, $6::text)
  ),
  top AS (
    SELECT
      *
    FROM
      customer_spend
    ORDER BY
      spent_cents DESC,
      customer_no
    LIMIT
      20
  )
SELECT
  row_number() OVER (
    ORDER BY
      t.spent_cents DESC,
      c.customer_id
  ) AS rank,
  c.customer_id,
  c.full_name AS customer_name,
  c.country,
  c.state,
  t.orders,
  round(t.spent_cents / 100.0, 2) AS revenue,
  round(t.spent_cents / 100.0 / nullif(t.orders, 0), 2) AS avg_order_value
FROM
  top t
  JOIN dashboard.customers c ON c.customer_no = t.customer_no
ORDER BY
  rank
