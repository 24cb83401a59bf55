-- The monthly partitions of fact_sales the lines of this load need, created if missing.
SELECT warehouse.ensure_fact_sales_partitions(min(transaction_date), max(transaction_date)) AS created
  FROM pg_temp.warehouse_sales_lines
