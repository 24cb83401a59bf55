-- Sales per calendar month. orders = distinct transactions (so it matches the transactions table
-- for the month: every line of a transaction carries its one date), customers = distinct
-- customer_id (SCD versions of one customer count once), average order value = revenue / orders.
-- Sums per day (analysis_sums.sql), orders per customer version and day (analysis_orders.sql).
WITH
  month_sales AS (
    SELECT
      d.year::int AS year,
      d.month::int AS month_number,
      sum(s.units_sold)::bigint AS units_sold,
      sum(s.revenue) AS revenue,
      sum(s.profit) AS profit
    FROM
      pg_temp.analysis_sums s
      JOIN warehouse.dim_date d ON d.date_key = s.date_key
    WHERE
      s.kind = 'day'
    GROUP BY
      d.year,
      d.month
  ),
  month_orders AS (
    SELECT
      d.year::int AS year,
      d.month::int AS month_number,
      sum(o.orders)::bigint AS orders,
      count(DISTINCT c.customer_id) AS customers
    FROM
      pg_temp.analysis_orders o
      JOIN warehouse.dim_date d ON d.date_key = o.date_key
      JOIN warehouse.dim_customers c ON c.customer_key = o.customer_key
    WHERE
      o.kind = 'order'
    GROUP BY
      d.year,
      d.month
  ),
  returns AS (
    -- Cancellations and adjustments of mapped exports (warehouse.fact_returns, signed as the source
    -- signs them: a credit note is negative), beside the sales: net = revenue + returns.
    SELECT
      r.date_key / 100 AS month_key,
      sum(r.line_total) AS returns_amount
    FROM
      warehouse.fact_returns r
    GROUP BY
      r.date_key / 100
  ),
  months AS (
    SELECT
      s.year,
      s.month_number,
      o.orders,
      o.customers,
      s.units_sold,
      s.revenue,
      s.profit
    FROM
      month_sales s
      JOIN month_orders o ON o.year = s.year
      AND o.month_number = s.month_number
  )
SELECT
  to_char(make_date(m.year, m.month_number, 1), 'YYYY-MM') AS month,
  m.year,
  m.month_number,
  m.orders,
  m.customers,
  m.units_sold,
  m.revenue,
  m.profit,
  round(m.revenue / m.orders, 2) AS avg_order_value,
  round(100 * m.profit / nullif(m.revenue, 0), 2) AS profit_margin_pct,
  -- NULL for the first month and after a month without revenue: no base to compare with.
  round(100 * (m.revenue - lag(m.revenue) OVER w) / nullif(lag(m.revenue) OVER w, 0), 2) AS revenue_change_pct,
  coalesce(r.returns_amount, 0) AS returns_amount,
  m.revenue + coalesce(r.returns_amount, 0) AS net_revenue
FROM
  months m
  LEFT JOIN returns r ON r.month_key = m.year * 100 + m.month_number
WINDOW
  w AS (
    ORDER BY
      m.year,
      m.month_number
  )
ORDER BY
  m.year,
  m.month_number
