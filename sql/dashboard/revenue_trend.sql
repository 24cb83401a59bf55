-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Revenue per calendar month; orders = distinct transactions, avg_order_value = revenue / orders.
-- revenue is gross; returns_amount the month's returns (negative), net_revenue = revenue +
-- returns_amount; a month with returns only is listed with no orders. Under a payment filter
-- (a return has no payment method) both are NULL.
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
  ),
  returns AS (
    SELECT
      r.date_key / 100 AS yyyymm,
      sum(r.returns_cents) / 100.0 AS returns_amount
    FROM
      dashboard.return_days_in ($1::date, $2::date, $3::text, $4::text, $5::text) r
    WHERE
      $6::text IS NULL
    GROUP BY
      r.date_key / 100
  )
SELECT
  to_char(to_date(coalesce(m.yyyymm, r.yyyymm)::text, 'YYYYMM'), 'YYYY-MM') AS month,
  coalesce(m.orders, 0) AS orders,
  round(coalesce(m.revenue, 0), 2) AS revenue,
  CASE
    WHEN $6::text IS NULL THEN round(coalesce(r.returns_amount, 0), 2)
  END AS returns_amount,
  CASE
    WHEN $6::text IS NULL THEN round(coalesce(m.revenue, 0) + coalesce(r.returns_amount, 0), 2)
  END AS net_revenue,
  round(coalesce(m.profit, 0), 2) AS profit,
  round(m.revenue / nullif(m.orders, 0), 2) AS avg_order_value,
  round(100 * m.profit / nullif(m.revenue, 0), 2) AS profit_margin_pct
FROM
  months m
  FULL JOIN returns r ON r.yyyymm = m.yyyymm
ORDER BY
  coalesce(m.yyyymm, r.yyyymm)
