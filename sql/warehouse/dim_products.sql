-- dim_products (SCD type 2): applies warehouse_product_versions (product_versions.sql), exactly as
-- dim_customers.sql does: changed versions updated in place, missing ones inserted in
-- (product_id, effective_date) order, versions the history no longer has deleted (their facts are
-- re-pointed later in the transaction). Unchanged versions are not written.
WITH
  removed AS (
    DELETE FROM warehouse.dim_products d USING pg_temp.warehouse_product_versions v
    WHERE
      d.product_key = v.existing_key
      AND NOT v.desired
    RETURNING
      1
  ),
  updated AS (
    UPDATE warehouse.dim_products d
    SET
      product_name = v.product_name,
      category = v.category,
      sub_category = v.sub_category,
      brand = v.brand,
      price = v.price,
      cost = v.cost,
      price_range = v.price_range,
      end_date = v.end_date,
      is_current = v.is_current
    FROM
      pg_temp.warehouse_product_versions v
    WHERE
      d.product_key = v.existing_key
      AND v.desired
      AND v.changed
    RETURNING
      1
  ),
  inserted AS (
    INSERT INTO
      warehouse.dim_products (
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
    SELECT
      v.product_id,
      v.product_name,
      v.category,
      v.sub_category,
      v.brand,
      v.price,
      v.cost,
      v.price_range,
      v.effective_date,
      v.end_date,
      v.is_current
    FROM
      pg_temp.warehouse_product_versions v
    WHERE
      v.desired
      AND v.existing_key IS NULL
    ORDER BY
      v.product_id,
      v.effective_date
    RETURNING
      1
  )
SELECT
  (
    SELECT
      count(*)
    FROM
      removed
  )::int AS removed,
  (
    SELECT
      count(*)
    FROM
      updated
  )::int AS updated,
  (
    SELECT
      count(*)
    FROM
      inserted
  )::int AS inserted
