-- Drops one monthly partition of warehouse.fact_sales named $1 (see migration 0012).
SELECT
  warehouse.drop_fact_sales_partition ($1) AS dropped
