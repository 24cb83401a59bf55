-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Customers of the selection in spending segments whose edges are the 50th, 80th and 95th
-- percentiles of what they spent in it (edges that fit the data's scale). A band holds customers
-- with lower_edge < spent <= upper_edge; the first band also holds the smallest total.
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
  edges AS (
    SELECT
      min(spent_cents) AS p0,
      round(
        percentile_cont(0.50) WITHIN GROUP (
          ORDER BY
            spent_cents
        )
      )::bigint AS p50,
      round(
        percentile_cont(0.80) WITHIN GROUP (
          ORDER BY
            spent_cents
        )
      )::bigint AS p80,
      round(
        percentile_cont(0.95) WITHIN GROUP (
          ORDER BY
            spent_cents
        )
      )::bigint AS p95,
      max(spent_cents) AS p100,
      count(*) AS all_customers,
      sum(spent_cents) AS all_spent
    FROM
      customer_spend
    HAVING
      count(*) > 0
  ),
  banded AS (
    SELECT
      CASE
        WHEN s.spent_cents <= e.p50 THEN 1
        WHEN s.spent_cents <= e.p80 THEN 2
        WHEN s.spent_cents <= e.p95 THEN 3
        ELSE 4
      END AS segment_rank,
      count(*) AS customers,
      sum(s.orders) AS orders,
      sum(s.spent_cents) AS spent_cents
    FROM
      customer_spend s
      CROSS JOIN edges e
    GROUP BY
      1
  )
SELECT
  b.segment_rank,
  b.segment,
  b.percentile_range,
  round(b.lower_edge / 100.0, 2) AS lower_edge,
  round(b.upper_edge / 100.0, 2) AS upper_edge,
  coalesce(t.customers, 0) AS customers,
  round(100.0 * coalesce(t.customers, 0) / e.all_customers, 2) AS customer_share_pct,
  coalesce(t.orders, 0) AS orders,
  round(coalesce(t.spent_cents, 0) / 100.0, 2) AS revenue,
  round(100.0 * coalesce(t.spent_cents, 0) / nullif(e.all_spent, 0), 2) AS revenue_share_pct,
  round(t.spent_cents / 100.0 / nullif(t.customers, 0), 2) AS avg_spent_per_customer
FROM
  edges e
  CROSS JOIN LATERAL (
    VALUES
      (1, 'low', '0-50', e.p0, e.p50),
      (2, 'medium', '50-80', e.p50, e.p80),
      (3, 'high', '80-95', e.p80, e.p95),
      (4, 'top', '95-100', e.p95, e.p100)
  ) AS b (segment_rank, segment, percentile_range, lower_edge, upper_edge)
  LEFT JOIN banded t ON t.segment_rank = b.segment_rank
ORDER BY
  b.segment_rank
