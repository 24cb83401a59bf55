-- Every return (warehouse.fact_returns_keyed: placed as a sale on its day would be, by the
-- customer and product versions valid on the return date) per day, category, place and product,
-- with the codes of this refresh. A few rows per return at most: nothing to gain from lanes or a
-- temporary table of lines. An empty fact_returns costs one empty scan.
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
GROUP BY
  r.date_key,
  cat.category_id,
  g.geo_id,
  pr.product_no
