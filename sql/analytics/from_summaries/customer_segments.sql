-- Customer spending segments whose edges come from the data: the 50th, 80th and 95th percentiles
-- of total spent per customer. Fixed money edges would put nearly everyone in one band as soon as
-- the data's scale differs. Customers are customer_id (SCD versions count once).
-- A band holds customers with lower_edge < total_spent <= upper_edge; the first band also holds
-- its lower edge (the smallest total). Edges are rounded to cents and used as reported.
-- With the dashboard summaries (see analysis_source.sql): each customer's totals from
-- warehouse.customer_totals (per customer_id: orders and spent over its versions, kept equal to a
-- full recompute from the facts by the warehouse stage in the facts' transaction). Where the
-- analyses read the summaries no line is parked on the unknown customer, so these are the
-- summaries' own per-customer sums of customer_years (all categories, places and methods):
-- spent = the lines' line_total (numeric(12,2)) summed, revenue_cents / 100 exactly; orders = the
-- distinct transactions per version summed, a transaction having one version and one year. One
-- row per customer read instead of grouping ~87k customer_years rows at 1M (the same rows, md5
-- compared, docs/performance.md). round(, 2) keeps the scale the summaries' total had.
WITH
  customer_spend AS (
    SELECT
      t.customer_id,
      round(t.spent, 2) AS total_spent,
      t.orders
    FROM
      warehouse.customer_totals t
  ),
  -- The edges, bands and band totals (shared/customer_segments.sql).
  {{customer_segments}}
