-- Customer spending segments whose edges come from the data: the 50th, 80th and 95th percentiles
-- of total spent per customer. Fixed money edges would put nearly everyone in one band as soon as
-- the data's scale differs. Customers are customer_id (SCD versions count once).
-- A band holds customers with lower_edge < total_spent <= upper_edge; the first band also holds
-- its lower edge (the smallest total). Edges are rounded to cents and used as reported.
-- Spend per customer version (analysis_sums.sql) and orders per customer version, day and method
-- (analysis_orders.sql), summed per customer_id.
WITH
  version_orders AS (
    SELECT
      o.customer_key,
      sum(o.orders) AS orders
    FROM
      pg_temp.analysis_orders o
    WHERE
      o.kind = 'order'
    GROUP BY
      o.customer_key
  ),
  customer_spend AS (
    SELECT
      c.customer_id,
      sum(s.revenue) AS total_spent,
      sum(o.orders)::bigint AS orders
    FROM
      pg_temp.analysis_sums s
      JOIN version_orders o ON o.customer_key = s.customer_key
      JOIN warehouse.dim_customers c ON c.customer_key = s.customer_key
    WHERE
      s.kind = 'customer'
    GROUP BY
      c.customer_id
  ),
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
