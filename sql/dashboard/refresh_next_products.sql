-- The products a full refresh would write (refresh_products.sql), to compare with the current ones.
CREATE TEMP TABLE dashboard_next_products ON
COMMIT
DROP AS
SELECT
  row_number() OVER (
    ORDER BY
      product_id
  )::integer AS product_no,
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
