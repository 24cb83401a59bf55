-- Appends to warehouse.product_changes the products production changed inside this load's window
-- ($2, $3] of updated_at, when what the warehouse keeps of them differs from the latest recorded
-- state. $1 run id, $4 the load's as-of date. Effective dates as in customer_changes.sql: the
-- first state from 1900-01-01, a change from the as-of date (never before the latest recorded
-- state; the same day overwrites it in place).
WITH
  delivered AS (
    SELECT
      p.product_id,
      p.product_name,
      p.category,
      p.sub_category,
      p.brand,
      p.price,
      p.cost
    FROM
      production.products p
    WHERE
      p.updated_at > coalesce($2::timestamptz, '-infinity')
      AND p.updated_at <= $3::timestamptz
  ),
  latest AS (
    SELECT DISTINCT
      ON (l.product_id) l.*
    FROM
      warehouse.product_changes l
    WHERE
      l.product_id IN (
        SELECT
          product_id
        FROM
          delivered
      )
    ORDER BY
      l.product_id,
      l.effective_date DESC
  )
INSERT INTO
  warehouse.product_changes AS l (product_id, effective_date, product_name, category, sub_category, brand, price, cost, run_id)
SELECT
  d.product_id,
  CASE
    WHEN p.product_id IS NULL THEN DATE '1900-01-01'
    ELSE greatest($4::date, p.effective_date)
  END,
  d.product_name,
  d.category,
  d.sub_category,
  d.brand,
  d.price,
  d.cost,
  $1
FROM
  delivered d
  LEFT JOIN latest p ON p.product_id = d.product_id
WHERE
  p.product_id IS NULL
  OR (d.product_name, d.category, d.sub_category, d.brand, d.price, d.cost) IS DISTINCT FROM (p.product_name, p.category, p.sub_category, p.brand, p.price, p.cost)
ORDER BY
  d.product_id
ON CONFLICT (product_id, effective_date) DO UPDATE
SET
  product_name = EXCLUDED.product_name,
  category = EXCLUDED.category,
  sub_category = EXCLUDED.sub_category,
  brand = EXCLUDED.brand,
  price = EXCLUDED.price,
  cost = EXCLUDED.cost,
  run_id = EXCLUDED.run_id
