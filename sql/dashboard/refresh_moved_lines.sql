-- The fact lines of the transactions with a line of a customer or product load $1 changed, on the
-- days that may be brought up to date by difference (refresh_diff_days.sql), coded as
-- refresh_lines_touched.sql codes them: only those lines can have moved there (a fact is
-- re-pointed only to another version of its own customer or product, and a version's place,
-- category or cost changes only through a change the load recorded). Whole transactions: a
-- transaction's distinct count in a summary row changes only with all its lines in view
-- (refresh_moved_cells.sql). Whether each moved, and whether the difference is exact, is decided
-- from them and the rows the summaries hold (refresh_moved_days.sql).
CREATE TEMP TABLE dashboard_changed_lines ON
COMMIT
DROP AS
WITH
  changed_customers AS (
    SELECT DISTINCT
      customer_id
    FROM
      warehouse.customer_changes
    WHERE
      run_id = $1
  ),
  changed_products AS (
    SELECT DISTINCT
      product_id
    FROM
      warehouse.product_changes
    WHERE
      run_id = $1
  )
SELECT
  f.date_key,
  cat.category_id,
  g.geo_id,
  f.payment_method_key,
  (
    SELECT
      cu.customer_no
    FROM
      dashboard.customers cu
    WHERE
      cu.customer_id = f.customer_id
  ) AS customer_no,
  (
    SELECT
      pr.product_no
    FROM
      dashboard.products pr
    WHERE
      pr.product_id = f.product_id
  ) AS product_no,
  f.transaction_id,
  f.discount_band,
  f.quantity,
  f.gross_cents,
  f.revenue_cents,
  f.profit_cents,
  f.discount_cents,
  f.discount_pct_cents,
  coalesce(
    f.customer_id IN (
      SELECT
        customer_id
      FROM
        changed_customers
    ),
    FALSE
  ) AS customer_changed,
  coalesce(
    f.product_id IN (
      SELECT
        product_id
      FROM
        changed_products
    ),
    FALSE
  ) AS product_changed
FROM
  (
    SELECT
      *
    FROM
      warehouse.fact_sales_cents f
    WHERE
      f.date_key = ANY (
        ARRAY(
          SELECT
            date_key
          FROM
            pg_temp.dashboard_diff_days
        )
      )
      -- Bounds the executor prunes fact_sales' month partitions by (the ANY alone scans them all).
      AND f.date_key BETWEEN (
        SELECT
          min(date_key)
        FROM
          pg_temp.dashboard_diff_days
      ) AND (
        SELECT
          max(date_key)
        FROM
          pg_temp.dashboard_diff_days
      )
      AND f.transaction_id IN (
        SELECT
          t.transaction_id
        FROM
          warehouse.fact_sales t
        WHERE
          t.date_key = ANY (
            ARRAY(
              SELECT
                date_key
              FROM
                pg_temp.dashboard_diff_days
            )
          )
          AND t.date_key BETWEEN (
            SELECT
              min(date_key)
            FROM
              pg_temp.dashboard_diff_days
          ) AND (
            SELECT
              max(date_key)
            FROM
              pg_temp.dashboard_diff_days
          )
          AND (
            t.customer_id IN (
              SELECT
                customer_id
              FROM
                changed_customers
            )
            OR t.product_id IN (
              SELECT
                product_id
              FROM
                changed_products
            )
          )
      )
    OFFSET
      0
  ) AS f
  JOIN warehouse.dim_products p ON p.product_key = f.product_key
  JOIN dashboard.categories cat ON cat.category = p.category
  JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
  JOIN dashboard.places g ON g.country = coalesce(c.country, 'Unknown')
  AND g.state = coalesce(c.state, 'Unknown')
