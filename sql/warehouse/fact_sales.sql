-- fact_sales: one row per order line of run $1, upserted by item_id so sales_key and created_at
-- stay stable across reloads; a row is rewritten only when a value changed.
--   discount_amount = round(quantity * unit_price * discount_percentage / 100, 2)
--   profit          = round(line_total - cost * quantity, 2), cost of the product version valid
--                     on the transaction date
-- A line rejected now (missing dimension) loses the fact an earlier load gave it, so the
-- warehouse holds exactly the lines this run accepted.
WITH withdrawn AS (
  DELETE FROM warehouse.fact_sales f
   USING pg_temp.warehouse_sales_lines l
   WHERE f.item_id = l.item_id AND NOT l.resolved
)
INSERT INTO warehouse.fact_sales AS f
  (item_id, date_key, customer_key, product_key, payment_method_key, transaction_id, quantity, unit_price,
   discount_percentage, discount_amount, line_total, profit, last_run_id)
SELECT l.item_id, l.date_key, l.customer_key, l.product_key, l.payment_method_key, l.transaction_id,
       l.quantity, l.unit_price, l.discount_percentage,
       round(l.quantity * l.unit_price * l.discount_percentage / 100, 2),
       l.line_total,
       round(l.line_total - l.cost * l.quantity, 2),
       $1
  FROM pg_temp.warehouse_sales_lines l
 WHERE l.resolved
ON CONFLICT (item_id) DO UPDATE
   SET date_key = EXCLUDED.date_key,
       customer_key = EXCLUDED.customer_key,
       product_key = EXCLUDED.product_key,
       payment_method_key = EXCLUDED.payment_method_key,
       transaction_id = EXCLUDED.transaction_id,
       quantity = EXCLUDED.quantity,
       unit_price = EXCLUDED.unit_price,
       discount_percentage = EXCLUDED.discount_percentage,
       discount_amount = EXCLUDED.discount_amount,
       line_total = EXCLUDED.line_total,
       profit = EXCLUDED.profit,
       last_run_id = EXCLUDED.last_run_id
 WHERE (f.date_key, f.customer_key, f.product_key, f.payment_method_key, f.transaction_id, f.quantity,
        f.unit_price, f.discount_percentage, f.discount_amount, f.line_total, f.profit, f.last_run_id)
       IS DISTINCT FROM
       (EXCLUDED.date_key, EXCLUDED.customer_key, EXCLUDED.product_key, EXCLUDED.payment_method_key,
        EXCLUDED.transaction_id, EXCLUDED.quantity, EXCLUDED.unit_price, EXCLUDED.discount_percentage,
        EXCLUDED.discount_amount, EXCLUDED.line_total, EXCLUDED.profit, EXCLUDED.last_run_id);
