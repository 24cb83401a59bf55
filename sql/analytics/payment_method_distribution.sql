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
  -- The shares, rounded to sum to 100.00 (shared/payment_method_distribution.sql).
  {{payment_method_distribution}}
