-- The fact lines of the days a temporary table lists (placeholder days), with the integer codes
-- the summaries group by, as refresh_lines.sql codes every day's (from the same view,
-- warehouse.fact_sales_cents). Spliced into refresh_lines_touched.sql (the days rebuilt whole) and
-- refresh_moved_lines.sql (the days brought up to date by difference), which fill the placeholders
-- flags (more columns, or nothing) and transactions (a further condition on the facts, or
-- nothing), so that both code a line the same way. The customer and product codes are looked up per line
-- through their unique indexes (ids are unique, so as the left joins there): planned as joins for
-- the few lines estimated, the product one compared every line with every product (0.5 s at 1M).
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
  f.discount_pct_cents {{flags}}
  -- The days' facts first, through each partition's date index: estimated at a few rows, they were
  -- otherwise fetched per product (a bitmap AND of the product's and the whole date range's
  -- entries, 575 times: 0.6 s of a 1M one-day delta's 1.2 s). OFFSET 0 keeps it so.
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
            pg_temp.{{days}}
        )
      )
      -- Bounds the executor prunes fact_sales' month partitions by (the ANY alone scans them all).
      AND f.date_key BETWEEN (
        SELECT
          min(date_key)
        FROM
          pg_temp.{{days}}
      ) AND (
        SELECT
          max(date_key)
        FROM
          pg_temp.{{days}}
      ) {{transactions}}
    OFFSET
      0
  ) AS f
  JOIN warehouse.dim_products p ON p.product_key = f.product_key
  JOIN dashboard.categories cat ON cat.category = p.category
  JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
  JOIN dashboard.places g ON g.country = coalesce(c.country, 'Unknown')
  AND g.state = coalesce(c.state, 'Unknown')
