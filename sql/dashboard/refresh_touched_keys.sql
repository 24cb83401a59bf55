-- The customers and (month, product) pairs whose coarser summaries a refresh rebuilds: those
-- with day rows on a touched day, before (refresh_clear_days.sql) or after (refresh_touched_lines.sql).
CREATE TEMP TABLE dashboard_touched (
  customer_no integer,
  month_key   integer,
  product_no  integer
) ON COMMIT DROP
