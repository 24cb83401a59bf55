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
      round(sum(m.revenue_cents) / 100.0, 2) AS revenue
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
