-- Deletes the day summaries of the touched days rebuilt whole (refresh_moved_days.sql; DELETE keeps
-- readers on the previous rows until commit, see refresh_clear.sql) and keeps the deleted
-- customer_days and product_days rows (refresh_touched_keys.sql): the coarser summaries they fed
-- are found and brought up to date from them.
-- The tables' indexes lead with category_id, so every category code (0 = all) is listed next to the
-- days: = ANY of arrays makes both index conditions, where a date alone scanned every row.
WITH
  days AS (
    SELECT
      ARRAY(
        SELECT
          date_key
        FROM
          pg_temp.dashboard_whole_days
      ) AS date_keys,
      ARRAY(
        SELECT
          0::smallint
        UNION ALL
        SELECT
          category_id
        FROM
          dashboard.categories
      ) AS category_ids
  ),
  sales_cells AS (
    DELETE FROM dashboard.sales_cells s USING days d
    WHERE
      s.category_id = ANY (d.category_ids)
      AND s.date_key = ANY (d.date_keys)
  ),
  discount_cells AS (
    DELETE FROM dashboard.discount_cells s USING days d
    WHERE
      s.category_id = ANY (d.category_ids)
      AND s.date_key = ANY (d.date_keys)
  ),
  customer_days AS (
    DELETE FROM dashboard.customer_days c USING days d
    WHERE
      c.category_id = ANY (d.category_ids)
      AND c.date_key = ANY (d.date_keys)
    RETURNING
      c.*
  ),
  old_customer_days AS (
    INSERT INTO
      pg_temp.dashboard_old_customer_days
    SELECT
      *
    FROM
      customer_days
  ),
  product_days AS (
    DELETE FROM dashboard.product_days p USING days d
    WHERE
      p.date_key = ANY (d.date_keys)
    RETURNING
      p.*
  ),
  old_product_days AS (
    INSERT INTO
      pg_temp.dashboard_old_product_days
    SELECT
      *
    FROM
      product_days
  )
SELECT
  1
