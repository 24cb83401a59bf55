-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Revenue per calendar month; orders = distinct transactions, avg_order_value = revenue / orders.
WITH
  months AS (
    SELECT
      s.date_key / 100 AS yyyymm,
      sum(s.transactions) AS orders,
      sum(s.revenue_cents) / 100.0 AS revenue,
      sum(s.profit_cents) / 100.0 AS profit
    FROM
      dashboard.sales_cells_in ($1::date, $2::date, $3::text, $4::text, $5::text, $6::text) s
    GROUP BY
      s.date_key / 100
  )
SELECT
  to_char(to_date(m.yyyymm::text, 'YYYYMM'), 'YYYY-MM') AS month,
  m.orders,
  round(m.revenue, 2) AS revenue,
  round(m.profit, 2) AS profit,
  round(m.revenue / nullif(m.orders, 0), 2) AS avg_order_value,
  round(100 * m.profit / nullif(m.revenue, 0), 2) AS profit_margin_pct
FROM
  months m
ORDER BY
  m.yyyymm
