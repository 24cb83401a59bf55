-- Customer spending segments whose edges come from the data: the 50th, 80th and 95th percentiles
-- of total spent per customer. Fixed money edges would put nearly everyone in one band as soon as
-- the data's scale differs. Customers are customer_id (SCD versions count once).
-- A band holds customers with lower_edge < total_spent <= upper_edge; the first band also holds
-- its lower edge (the smallest total). Edges are rounded to cents and used as reported.
-- From the dashboard summaries (see analysis_source.sql): the all-places-and-methods rows of
-- customer_years for all categories, per customer_no (= customer_id).
WITH
  customer_spend AS (
    SELECT
      y.customer_no,
      round(ops.sum_bigint (y.revenue_cents) / 100.0, 2) AS total_spent,
      sum(y.transactions)::bigint AS orders
    FROM
      dashboard.customer_years y
    WHERE
      y.category_id = 0
      AND y.geo_id = 0
    GROUP BY
      y.customer_no
  ),
  -- The edges, bands and band totals (shared/customer_segments.sql).
  {{customer_segments}}
