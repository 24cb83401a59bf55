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
  -- The edges, bands and band totals (shared/customer_segments.sql).
  {{customer_segments}}
