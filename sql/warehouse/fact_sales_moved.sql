-- A line whose transaction date changed leaves its old fact: (item_id, date_key) is the fact's key
-- in the month-partitioned table, so fact_sales.sql then inserts it under its new date. The old
-- day, customer and product versions are touched.
WITH
  moved AS (
    DELETE FROM warehouse.fact_sales f USING pg_temp.warehouse_sales_lines l
    WHERE
      f.item_id = l.item_id
      AND f.date_key = l.previous_date_key
      AND l.previous_date_key <> l.date_key
    RETURNING
      f.date_key,
      f.customer_key,
      f.product_key
  )
INSERT INTO
  pg_temp.warehouse_touched (date_key, customer_key, product_key)
SELECT
  date_key,
  customer_key,
  product_key
FROM
  moved
