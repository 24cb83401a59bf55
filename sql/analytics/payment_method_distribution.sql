-- Share of transactions and share of revenue per payment method. Shares are rounded to hundredths
-- of a percent by largest remainder, so each column sums to exactly 100 (plain rounding can give
-- 99.99 or 100.01). A transaction has one payment method, so its lines all count for one method.
-- Orders per customer version, day and method (analysis_orders.sql), revenue per day and method
-- (analysis_sums.sql).
WITH
  method_orders AS (
    SELECT
      o.payment_method_key,
      sum(o.orders)::bigint AS transactions
    FROM
      pg_temp.analysis_orders o
    WHERE
      o.kind = 'order'
    GROUP BY
      o.payment_method_key
  ),
  method_sales AS (
    SELECT
      s.payment_method_key,
      sum(s.revenue) AS revenue
    FROM
      pg_temp.analysis_sums s
    WHERE
      s.kind = 'day'
    GROUP BY
      s.payment_method_key
  ),
  by_method AS (
    SELECT
      pm.payment_method_name AS payment_method,
      pm.payment_type,
      o.transactions,
      s.revenue
    FROM
      method_orders o
      JOIN method_sales s ON s.payment_method_key = o.payment_method_key
      JOIN warehouse.dim_payment_method pm ON pm.payment_method_key = o.payment_method_key
  ),
  exact_shares AS (
    -- In hundredths of a percent: 10000 = 100.00 %.
    SELECT
      m.*,
      10000.0 * m.transactions / sum(m.transactions) OVER () AS transaction_units,
      10000 * m.revenue / nullif(sum(m.revenue) OVER (), 0) AS revenue_units
    FROM
      by_method m
  ),
  rounded_shares AS (
    SELECT
      e.*,
      floor(e.transaction_units) + CASE
        WHEN row_number() OVER (
          ORDER BY
            e.transaction_units - floor(e.transaction_units) DESC,
            e.payment_method
        ) <= 10000 - sum(floor(e.transaction_units)) OVER () THEN 1
        ELSE 0
      END AS transaction_share,
      floor(e.revenue_units) + CASE
        WHEN row_number() OVER (
          ORDER BY
            e.revenue_units - floor(e.revenue_units) DESC,
            e.payment_method
        ) <= 10000 - sum(floor(e.revenue_units)) OVER () THEN 1
        ELSE 0
      END AS revenue_share
    FROM
      exact_shares e
  )
SELECT
  r.payment_method,
  r.payment_type,
  r.transactions,
  (r.transaction_share / 100)::numeric(5, 2) AS transaction_share_pct,
  r.revenue,
  (r.revenue_share / 100)::numeric(5, 2) AS revenue_share_pct,
  round(r.revenue / r.transactions, 2) AS avg_order_value
FROM
  rounded_shares r
ORDER BY
  r.revenue DESC,
  r.payment_method
