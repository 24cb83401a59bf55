-- Floor of the warehouse stage: the facts of every production order line in one CREATE TABLE AS
-- (logged, as fact_sales is). Each line joined to its transaction, to the customer and product
-- versions valid on the transaction date (effective_date <= transaction_date < end_date; key -1
-- when none is, as fact_sales.sql parks such a line) and to its payment method; discount_amount
-- and profit computed as fact_sales.sql computes them:
--   discount_amount = round(quantity * unit_price * discount_percentage / 100, 2)
--   profit          = round(line_total - cost * quantity, 2), cost of the product version
-- Measured after the first run, so the dimensions are the ones that run built. No SCD versions
-- derived, no upsert, no partitions, indexes, aggregates or reconciliation: the least a load of
-- the facts can do.
CREATE TABLE bench_floor.warehouse_facts AS
SELECT
  i.item_id,
  to_char(t.transaction_date, 'YYYYMMDD')::integer AS date_key,
  coalesce(dc.customer_key, -1) AS customer_key,
  coalesce(dp.product_key, -1) AS product_key,
  pm.payment_method_key,
  i.transaction_id,
  t.customer_id,
  i.product_id,
  i.quantity,
  i.unit_price,
  i.discount_percentage,
  round(i.quantity * i.unit_price * i.discount_percentage / 100, 2) AS discount_amount,
  i.line_total,
  round(i.line_total - dp.cost * i.quantity, 2) AS profit
FROM
  production.transaction_items i
  JOIN production.transactions t ON t.transaction_id = i.transaction_id
  JOIN warehouse.dim_payment_method pm ON pm.payment_method_name = t.payment_method
  LEFT JOIN warehouse.dim_customers dc ON dc.customer_id = t.customer_id
  AND dc.customer_key <> -1
  AND dc.effective_date <= t.transaction_date
  AND t.transaction_date < dc.end_date
  LEFT JOIN warehouse.dim_products dp ON dp.product_id = i.product_id
  AND dp.product_key <> -1
  AND dp.effective_date <= t.transaction_date
  AND t.transaction_date < dp.end_date
