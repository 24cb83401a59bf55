-- Share of transactions and share of revenue per payment method. Shares are rounded to hundredths
-- of a percent by largest remainder, so each column sums to exactly 100 (plain rounding can give
-- 99.99 or 100.01). A transaction has one payment method, so its lines all count for one method.
-- From the dashboard's sales_months for all categories (see analysis_source.sql).
WITH
  by_method AS (
    SELECT
      pm.payment_method_name AS payment_method,
      pm.payment_type,
      sum(m.transactions)::bigint AS transactions,
      round(ops.sum_bigint (m.revenue_cents) / 100.0, 2) AS revenue
    FROM
      dashboard.sales_months m
      JOIN warehouse.dim_payment_method pm ON pm.payment_method_key = m.payment_method_key
    WHERE
      m.category_id = 0
    GROUP BY
      pm.payment_method_key,
      pm.payment_method_name,
      pm.payment_type
  ),
  -- The shares, rounded to sum to 100.00 (shared/payment_method_distribution.sql).
  {{payment_method_distribution}}
