-- Statistics for the version plans: temporary tables are never auto-analysed, and without them
-- the planner assumes ~1000s of touched keys and hashes every partition of fact_sales when it
-- re-points facts, where a few index probes do.
ANALYZE pg_temp.warehouse_customer_versions,
pg_temp.warehouse_product_versions
