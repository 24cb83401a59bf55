-- monthly_sales_trend.sql from the dashboard summaries (see analysis_source.sql): sales_months
-- for all categories (category_id 0); customers from customer_months, where first_place marks
-- one row per customer and month.
WITH
  sales AS (
    SELECT
      m.month_key,
      sum(m.transactions)::bigint AS orders,
      ops.sum_bigint (m.quantity) AS units_sold,
      round(ops.sum_bigint (m.revenue_cents) / 100.0, 2) AS revenue,
      round(ops.sum_bigint (m.profit_cents) / 100.0, 2) AS profit
    FROM
      dashboard.sales_months m
    WHERE
      m.category_id = 0
    GROUP BY
      m.month_key
  ),
  customers AS (
    SELECT
      c.month_key,
      count(*) AS customers
    FROM
      dashboard.customer_months c
    WHERE
      c.category_id = 0
      AND c.first_place
    GROUP BY
      c.month_key
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
      s.month_key / 100 AS year,
      s.month_key % 100 AS month_number,
      s.orders,
      c.customers,
      s.units_sold,
      s.revenue,
      s.profit
    FROM
      sales s
      JOIN customers c ON c.month_key = s.month_key
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
