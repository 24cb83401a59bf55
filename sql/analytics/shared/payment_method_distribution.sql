-- The rest of payment_method_distribution.sql and from_summaries/payment_method_distribution.sql,
-- written once (spliced in where they name this file): each method's shares of
-- transactions and revenue, rounded so that they sum to 100.00, from the CTE by_method
-- (payment_method, payment_type, transactions, revenue) each of them reads from its own source.
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
