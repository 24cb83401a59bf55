-- The return rows of the touched return days (refresh_return_touched_days.sql) deleted and built
-- again as refresh_return_days.sql builds every day's.
DELETE FROM dashboard.return_days d
WHERE
  d.date_key IN (
    SELECT
      date_key
    FROM
      pg_temp.dashboard_return_touched_days
  );

INSERT INTO
  dashboard.return_days (date_key, category_id, geo_id, product_no, lines, quantity, returns_cents)
SELECT
  r.date_key,
  cat.category_id,
  g.geo_id,
  pr.product_no,
  count(*),
  sum(r.quantity),
  sum(r.line_total * 100)::bigint
FROM
  warehouse.fact_returns_keyed r
  JOIN warehouse.dim_products p ON p.product_key = r.product_key
  JOIN dashboard.categories cat ON cat.category = p.category
  JOIN warehouse.dim_customers c ON c.customer_key = r.customer_key
  JOIN dashboard.places g ON g.country = coalesce(c.country, 'Unknown')
  AND g.state = coalesce(c.state, 'Unknown')
  LEFT JOIN dashboard.products pr ON pr.product_id = r.product_id
WHERE
  r.date_key IN (
    SELECT
      date_key
    FROM
      pg_temp.dashboard_return_touched_days
  )
GROUP BY
  r.date_key,
  cat.category_id,
  g.geo_id,
  pr.product_no
