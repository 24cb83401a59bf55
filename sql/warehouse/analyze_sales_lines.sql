-- Statistics for the lines this load read (see analyze_versions.sql): a daily delta of a few
-- thousand lines should join the dimensions and probe fact_sales by index, a rebuild by hash.
ANALYZE pg_temp.warehouse_sales_lines
