-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Distribution of what each customer spent in the selection (lifetime value within it): ten
-- bands of equal width from 0 to the 95th percentile, then one band for the top 5 %.
-- customer_spend: the selection's sales per customer (dashboard.customer_totals, migration 0015).
WITH
  customer_spend AS (
    SELECT
      customer_no,
      spent_cents,
      orders
    FROM
      dashboard.customer_totals ($1::date, $2::date, $3::text, $4::text, $5::text, $6::text)
  ),
  edge AS (
    SELECT
      greatest(
        percentile_disc(0.95) WITHIN GROUP (
          ORDER BY
            spent_cents
        ),
        1
      ) AS p95
    FROM
      customer_spend
    HAVING
      count(*) > 0
  ),
  banded AS (
    SELECT
      least(width_bucket(s.spent_cents, 0, e.p95, 10), 11) AS bucket,
      count(*) AS customers,
      sum(s.spent_cents) AS spent_cents
    FROM
      customer_spend s
      CROSS JOIN edge e
    GROUP BY
      1
  )
SELECT
  g.bucket,
  CASE
    WHEN g.bucket = 11 THEN '> ' || to_char(e.p95 / 100.0, 'FM999999990')
    ELSE to_char((g.bucket - 1) * e.p95 / 1000.0, 'FM999999990') || '-' || to_char(g.bucket * e.p95 / 1000.0, 'FM999999990')
  END AS band,
  round(
    CASE
      WHEN g.bucket = 11 THEN e.p95
      ELSE (g.bucket - 1) * e.p95 / 10.0
    END / 100.0,
    2
  ) AS lower_edge,
  CASE
    WHEN g.bucket = 11 THEN NULL
    ELSE round(g.bucket * e.p95 / 10.0 / 100.0, 2)
  END AS upper_edge,
  coalesce(b.customers, 0) AS customers,
  round(coalesce(b.spent_cents, 0) / 100.0, 2) AS revenue
FROM
  edge e
  CROSS JOIN generate_series(1, 11) AS g (bucket)
  LEFT JOIN banded b ON b.bucket = g.bucket
ORDER BY
  g.bucket
