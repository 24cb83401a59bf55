-- The facts of a load into an EMPTY fact_sales (fact_sales_bulk.sql) parked on an unknown member,
-- counted after fact_sales_bulk_end.sql rebuilt the key indexes: every fact there is is this
-- load's, and the few -1 keys are an index probe each.
SELECT
  (
    SELECT
      count(*)
    FROM
      warehouse.fact_sales
    WHERE
      customer_key = -1
  )::int AS unknown_customer,
  (
    SELECT
      count(*)
    FROM
      warehouse.fact_sales
    WHERE
      product_key = -1
  )::int AS unknown_product
