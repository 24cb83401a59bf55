-- Identity values a rolled-back attempt drew are not given back by PostgreSQL (sequences are not
-- transactional), so a retried load would number its new versions and facts after a gap, and its
-- surrogate keys would differ from one clean run's. Under the load lock, each sequence is set back
-- to just after the highest key the warehouse holds: the retry draws the same keys a clean run does.
-- Each max() is one backward step of the key's index.
SELECT
  setval(
    pg_get_serial_sequence('warehouse.dim_customers', 'customer_key'),
    coalesce(
      (
        SELECT
          max(customer_key)
        FROM
          warehouse.dim_customers
      ),
      0
    ) + 1,
    false
  ),
  setval(
    pg_get_serial_sequence('warehouse.dim_products', 'product_key'),
    coalesce(
      (
        SELECT
          max(product_key)
        FROM
          warehouse.dim_products
      ),
      0
    ) + 1,
    false
  ),
  setval(
    pg_get_serial_sequence('warehouse.dim_payment_method', 'payment_method_key'),
    coalesce(
      (
        SELECT
          max(payment_method_key)
        FROM
          warehouse.dim_payment_method
      ),
      0
    ) + 1,
    false
  ),
  setval(
    pg_get_serial_sequence('warehouse.fact_sales', 'sales_key'),
    coalesce(
      (
        SELECT
          max(sales_key)
        FROM
          warehouse.fact_sales
      ),
      0
    ) + 1,
    false
  )
