-- One row per product_id (names repeat; SCD versions share the id), with its current name and category.
INSERT INTO
  dashboard.products (product_no, product_id, product_name, category)
SELECT
  row_number() OVER (
    ORDER BY
      product_id
  ),
  product_id,
  product_name,
  category
FROM
  (
    SELECT DISTINCT
      ON (product_id) product_id,
      product_name,
      category
    FROM
      warehouse.dim_products
    WHERE
      product_key <> -1
    ORDER BY
      product_id,
      is_current DESC,
      effective_date DESC
  ) AS p
