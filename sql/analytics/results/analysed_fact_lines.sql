-- The order lines the analyses read: the whole warehouse. Summed from warehouse.agg_daily_sales'
-- lines per day (total_items), which the warehouse stage keeps equal to a full recompute of
-- fact_sales in the same transaction as the facts (as refresh_touched_days.sql relies on): a few
-- hundred rows instead of counting every fact (0.4 s at 1M, on every run).
SELECT
  coalesce(sum(total_items), 0)::bigint AS fact_lines
FROM
  warehouse.agg_daily_sales
