-- Statistics for the version plans: temporary tables are never auto-analysed, and without them
-- the planner assumes ~1000s of touched keys and hashes every partition of fact_sales when it
-- re-points facts, where a few index probes do.
-- Only the columns the later statements filter and join on (fact_sales_repoint_candidates.sql,
-- customer_totals.sql, customer_segment_candidates.sql); the names, e-mails and places of the
-- versions are only written (dim_customers.sql, dim_products.sql run before this) and cost most of
-- the sampling and sorting.
ANALYZE pg_temp.warehouse_customer_versions (customer_id, existing_key, desired, end_date),
pg_temp.warehouse_product_versions (product_id, existing_key, desired, cost_changed, end_date)
