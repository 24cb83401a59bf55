-- `mode: rebuild` starts the derived warehouse over: SCD dimensions, facts and aggregates are
-- rebuilt from the change logs and production. The change logs (the only memory of what
-- production used to hold), dim_date and dim_payment_method (no history, stable keys) stay.
TRUNCATE warehouse.fact_sales,
warehouse.agg_daily_sales,
warehouse.agg_product_daily,
warehouse.agg_customer_daily,
warehouse.customer_totals,
warehouse.agg_product_performance,
warehouse.agg_customer_metrics,
warehouse.dim_customers,
warehouse.dim_products RESTART IDENTITY
