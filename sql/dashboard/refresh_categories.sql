INSERT INTO
  dashboard.categories (category_id, category)
SELECT
  row_number() OVER (
    ORDER BY
      category
  ),
  category
FROM
  (
    SELECT DISTINCT
      category
    FROM
      warehouse.dim_products
  ) AS c
