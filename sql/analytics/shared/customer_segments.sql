-- The rest of customer_segments.sql and from_summaries/customer_segments.sql, written once (spliced
-- in where they name this file): the percentile edges, the bands and each band's customers,
-- spend and orders, from the CTE customer_spend (customer_id, total_spent, orders) each of them
-- reads from its own source.
edges AS (
  SELECT
    min(total_spent) AS p0,
    round(
      (
        percentile_cont(0.50) WITHIN GROUP (
          ORDER BY
            total_spent
        )
      )::numeric,
      2
    ) AS p50,
    round(
      (
        percentile_cont(0.80) WITHIN GROUP (
          ORDER BY
            total_spent
        )
      )::numeric,
      2
    ) AS p80,
    round(
      (
        percentile_cont(0.95) WITHIN GROUP (
          ORDER BY
            total_spent
        )
      )::numeric,
      2
    ) AS p95,
    max(total_spent) AS p100,
    count(*) AS all_customers,
    sum(total_spent) AS all_revenue
  FROM
    customer_spend
  HAVING
    count(*) > 0
),
bands AS (
  SELECT
    b.segment_rank,
    b.segment,
    b.percentile_range,
    b.lower_edge,
    b.upper_edge,
    e.all_customers,
    e.all_revenue
  FROM
    edges e
    CROSS JOIN LATERAL (
      VALUES
        (1, 'low', '0-50', e.p0, e.p50),
        (2, 'medium', '50-80', e.p50, e.p80),
        (3, 'high', '80-95', e.p80, e.p95),
        (4, 'top', '95-100', e.p95, e.p100)
    ) AS b (segment_rank, segment, percentile_range, lower_edge, upper_edge)
),
banded AS (
  SELECT
    CASE
      WHEN s.total_spent <= e.p50 THEN 1
      WHEN s.total_spent <= e.p80 THEN 2
      WHEN s.total_spent <= e.p95 THEN 3
      ELSE 4
    END AS segment_rank,
    s.total_spent,
    s.orders
  FROM
    customer_spend s
    CROSS JOIN edges e
),
band_totals AS (
  SELECT
    segment_rank,
    count(*) AS customers,
    sum(orders) AS orders,
    sum(total_spent) AS revenue
  FROM
    banded
  GROUP BY
    segment_rank
)
SELECT
  b.segment_rank,
  b.segment,
  b.percentile_range,
  b.lower_edge,
  b.upper_edge,
  coalesce(t.customers, 0) AS customers,
  round(100.0 * coalesce(t.customers, 0) / b.all_customers, 2) AS customer_share_pct,
  coalesce(t.orders, 0) AS orders,
  coalesce(t.revenue, 0) AS revenue,
  round(100 * coalesce(t.revenue, 0) / nullif(b.all_revenue, 0), 2) AS revenue_share_pct,
  round(t.revenue / t.customers, 2) AS avg_spent_per_customer,
  round(t.revenue / nullif(t.orders, 0), 2) AS avg_order_value
FROM
  bands b
  LEFT JOIN band_totals t ON t.segment_rank = b.segment_rank
ORDER BY
  b.segment_rank
