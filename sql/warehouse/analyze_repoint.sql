-- Statistics for fact_sales_repoint.sql (see analyze_versions.sql): usually none or a few facts.
ANALYZE pg_temp.warehouse_repoint
