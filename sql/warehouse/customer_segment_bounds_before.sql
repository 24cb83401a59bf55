-- The segment bounds (warehouse.customer_segment_bounds, migration 0035) before this load changes
-- any customer's totals: the stored segments were evaluated with them, so customer_segments.sql
-- re-evaluates the customers a moved bound crosses. For this transaction only.
CREATE TEMP TABLE warehouse_segment_bounds_before ON
COMMIT
DROP AS
SELECT
  buyers,
  latest_sale_date,
  vip_min_spent
FROM
  warehouse.customer_segment_bounds
