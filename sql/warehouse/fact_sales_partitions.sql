-- The monthly partitions of fact_sales the lines of this load need, created if missing (their dates
-- from sales_lines_summary.sql).
SELECT
  warehouse.ensure_fact_sales_partitions (min(first_day), max(last_day)) AS created
FROM
  pg_temp.warehouse_sales_lines_summary
