-- The segment bounds (warehouse.customer_segment_bounds, migration 0035) once customer_totals.sql
-- has brought the totals up to this load, read once for customer_segment_candidates.sql and
-- customer_segments.sql: the view counts every customer's totals (~84k at 1M orders, ~20 ms a
-- reading), and nothing changes the totals between the two. For this transaction only.
CREATE TEMP TABLE warehouse_segment_bounds_after ON
COMMIT
DROP AS
SELECT
  buyers,
  latest_sale_date,
  vip_min_spent
FROM
  warehouse.customer_segment_bounds
