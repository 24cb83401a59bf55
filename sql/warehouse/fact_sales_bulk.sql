-- fact_sales of a load into an EMPTY fact_sales (facts_empty.sql), between fact_sales_bulk_begin.sql
-- and fact_sales_bulk_end.sql: every line read gets its fact, computed exactly as fact_sales.sql
-- computes it (point-in-time versions, the unknown member -1, discount_amount, profit), by a plain
-- INSERT: there is no fact to conflict with or compare to, and no previous keys to touch (the
-- aggregates are recomputed whole after a bulk load). Not sorted by date: at 2.5M lines the sort
-- spilled and the insert took 17.7 s, unsorted 12.0 s (routing rows among the month partitions
-- costs less than sorting them). $1 = run id. Its row count is the lines that got a fact (and the
-- facts written); fact_sales_bulk_unknown.sql counts those on an unknown member once the key
-- indexes are back: RETURNING the keys of every fact kept 2.5M rows in a tuplestore that spilled.
INSERT INTO
  warehouse.fact_sales (
    item_id,
    date_key,
    customer_key,
    product_key,
    payment_method_key,
    transaction_id,
    customer_id,
    product_id,
    quantity,
    unit_price,
    discount_percentage,
    discount_amount,
    line_total,
    profit,
    last_run_id
  )
SELECT
  l.item_id,
  l.date_key,
  coalesce(dc.customer_key, -1),
  coalesce(dp.product_key, -1),
  pm.payment_method_key,
  l.transaction_id,
  l.customer_id,
  l.product_id,
  l.quantity,
  l.unit_price,
  l.discount_percentage,
  round(l.quantity * l.unit_price * l.discount_percentage / 100, 2),
  l.line_total,
  round(l.line_total - dp.cost * l.quantity, 2),
  $1
FROM
  pg_temp.warehouse_sales_lines l
  JOIN warehouse.dim_payment_method pm ON pm.payment_method_name = l.payment_method
  LEFT JOIN warehouse.dim_customers dc ON dc.customer_id = l.customer_id
  AND dc.customer_key <> -1
  AND dc.effective_date <= l.transaction_date
  AND l.transaction_date < dc.end_date
  LEFT JOIN warehouse.dim_products dp ON dp.product_id = l.product_id
  AND dp.product_key <> -1
  AND dp.effective_date <= l.transaction_date
  AND l.transaction_date < dp.end_date
