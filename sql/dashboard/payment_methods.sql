-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Share of transactions and of revenue per payment method (a transaction has one method).
WITH
  methods AS (
    SELECT
      s.payment_method_key,
      sum(s.transactions) AS transactions,
      sum(s.revenue_cents) / 100.0 AS revenue
    FROM
      dashboard.sales_cells_in ($1::date, $2::date, $3::text, $4::text, $5::text, $6::text) s
    GROUP BY
      s.payment_method_key
  )
SELECT
  pm.payment_method_name AS payment_method,
  pm.payment_type,
  m.transactions,
  round(100.0 * m.transactions / nullif(sum(m.transactions) OVER (), 0), 2) AS transaction_share_pct,
  round(m.revenue, 2) AS revenue,
  round(100 * m.revenue / nullif(sum(m.revenue) OVER (), 0), 2) AS revenue_share_pct,
  round(m.revenue / nullif(m.transactions, 0), 2) AS avg_order_value
FROM
  methods m
  JOIN warehouse.dim_payment_method pm ON pm.payment_method_key = m.payment_method_key
ORDER BY
  m.revenue DESC,
  pm.payment_method_name
