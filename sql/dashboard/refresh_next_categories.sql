-- The categories a full refresh would write (refresh_categories.sql), to compare with the current ones.
CREATE TEMP TABLE dashboard_next_categories ON
COMMIT
DROP AS
SELECT
  row_number() OVER (
    ORDER BY
      category
  )::smallint AS category_id,
  category
FROM
  (
    SELECT DISTINCT
      category
    FROM
      warehouse.dim_products
  ) AS c
