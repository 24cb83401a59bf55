-- The "unknown" member of each SCD dimension, key -1: valid over all time, current for no business
-- key. A line whose customer or product has no version in the warehouse yet points here and is
-- re-pointed by the load that brings the dimension row (fact_sales_repoint.sql). Its natural key
-- is the empty string, which production never holds (blank ids are rejected by the transformer).
WITH
  unknown_customer AS (
    INSERT INTO
      warehouse.dim_customers (
        customer_key,
        customer_id,
        full_name,
        email,
        city,
        state,
        country,
        age_group,
        customer_segment,
        registration_date,
        effective_date,
        end_date,
        is_current
      )
    VALUES
      (
        -1,
        '',
        'Unknown',
        NULL,
        'Unknown',
        'Unknown',
        'Unknown',
        'Unknown',
        NULL,
        NULL,
        DATE '1900-01-01',
        DATE '9999-12-31',
        false
      )
    ON CONFLICT (customer_key) DO NOTHING
    RETURNING
      1
  ),
  unknown_product AS (
    INSERT INTO
      warehouse.dim_products (
        product_key,
        product_id,
        product_name,
        category,
        sub_category,
        brand,
        price,
        cost,
        price_range,
        effective_date,
        end_date,
        is_current
      )
    VALUES
      (
        -1,
        '',
        'Unknown',
        'Unknown',
        'Unknown',
        'Unknown',
        NULL,
        NULL,
        'Unknown',
        DATE '1900-01-01',
        DATE '9999-12-31',
        false
      )
    ON CONFLICT (product_key) DO NOTHING
    RETURNING
      1
  )
SELECT
  (
    SELECT
      count(*)
    FROM
      unknown_customer
  ) + (
    SELECT
      count(*)
    FROM
      unknown_product
  ) AS inserted
