-- The fact lines of the touched days only, as refresh_lines.sql builds them for every day. The
-- customer and product codes are looked up per line through their unique indexes (ids are unique,
-- so as the left joins there): planned as joins for the few lines estimated, the product one
-- compared every line with every product (0.5 s at 1M).
CREATE TEMP TABLE dashboard_lines ON
COMMIT
DROP AS
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
  CASE
    WHEN f.discount_percentage <= 0 THEN 1
    WHEN f.discount_percentage <= 10 THEN 2
    WHEN f.discount_percentage <= 20 THEN 3
    WHEN f.discount_percentage <= 30 THEN 4
    ELSE 5
  END::smallint AS discount_band,
  f.quantity,
  (f.quantity * f.unit_price * 100)::bigint AS gross_cents,
  (f.line_total * 100)::bigint AS revenue_cents,
  (coalesce(f.profit, 0) * 100)::bigint AS profit_cents,
  (f.discount_amount * 100)::bigint AS discount_cents,
  (f.discount_percentage * 100)::bigint AS discount_pct_cents
  -- The touched days' facts first, through each partition's date index: estimated at a few rows,
  -- they were otherwise fetched per product (a bitmap AND of the product's and the whole date
  -- range's entries, 575 times: 0.6 s of a 1M one-day delta's 1.2 s). OFFSET 0 keeps it so.
FROM
  (
    SELECT
      *
    FROM
      warehouse.fact_sales f
    WHERE
      f.date_key = ANY (
        ARRAY(
          SELECT
            date_key
          FROM
            pg_temp.dashboard_touched_days
        )
      )
      -- Bounds the executor prunes fact_sales' month partitions by (the ANY alone scans them all).
      AND f.date_key BETWEEN (
        SELECT
          min(date_key)
        FROM
          pg_temp.dashboard_touched_days
      ) AND (
        SELECT
          max(date_key)
        FROM
          pg_temp.dashboard_touched_days
      )
    OFFSET
      0
  ) AS f
  JOIN warehouse.dim_products p ON p.product_key = f.product_key
  JOIN dashboard.categories cat ON cat.category = p.category
  JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
  JOIN dashboard.places g ON g.country = coalesce(c.country, 'Unknown')
  AND g.state = coalesce(c.state, 'Unknown')
