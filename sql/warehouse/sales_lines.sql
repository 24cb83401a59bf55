-- The order lines this run delivered (production.transaction_items.last_run_id = $1), each resolved
-- point-in-time to the dimension versions valid on its transaction date
-- (effective_date <= transaction_date < end_date). A line missing any key is rejected later.
-- Also records the keys of the line's existing fact, so aggregates can refresh the keys a line
-- moves away from. Lives for the stage's transaction only.
CREATE TEMP TABLE warehouse_sales_lines ON COMMIT DROP AS
SELECT i.item_id,
       i.transaction_id,
       i.product_id,
       t.customer_id,
       t.transaction_date,
       t.payment_method,
       i.quantity,
       i.unit_price,
       i.discount_percentage,
       i.line_total,
       dd.date_key,
       dc.customer_key,
       dp.product_key,
       dp.cost,
       pm.payment_method_key,
       f.date_key     AS previous_date_key,
       f.customer_key AS previous_customer_key,
       f.product_key  AS previous_product_key,
       (dd.date_key IS NOT NULL AND dc.customer_key IS NOT NULL
        AND dp.product_key IS NOT NULL AND pm.payment_method_key IS NOT NULL) AS resolved
  FROM production.transaction_items i
  JOIN production.transactions t ON t.transaction_id = i.transaction_id
  LEFT JOIN warehouse.dim_date dd ON dd.full_date = t.transaction_date
  LEFT JOIN warehouse.dim_customers dc
         ON dc.customer_id = t.customer_id
        AND dc.effective_date <= t.transaction_date AND t.transaction_date < dc.end_date
  LEFT JOIN warehouse.dim_products dp
         ON dp.product_id = i.product_id
        AND dp.effective_date <= t.transaction_date AND t.transaction_date < dp.end_date
  LEFT JOIN warehouse.dim_payment_method pm ON pm.payment_method_name = t.payment_method
  LEFT JOIN warehouse.fact_sales f ON f.item_id = i.item_id
 WHERE i.last_run_id = $1;
