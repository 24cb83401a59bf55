-- The SCD type 2 versions the touched products should have, derived from their change log, beside
-- the versions dim_products holds (see customer_versions.sql for how they are used).
-- $1 run id; $2 true for a rebuild (every product), else the products whose log run $1 wrote.
--
-- Tracked (a change opens a version): product_name, category, sub_category, brand, price, cost,
-- and so price_range, which bands the price: Budget < 25, Mid-range < 100, Premium < 500, else
-- Luxury. fact_sales takes its profit from the cost of the version valid on the sale's date.
CREATE TEMP TABLE warehouse_product_versions ON
COMMIT
DROP AS
WITH
  touched AS (
    SELECT DISTINCT
      product_id
    FROM
      warehouse.product_changes
    WHERE
      $2::boolean
      OR run_id = $1
  ),
  states AS (
    SELECT
      l.*,
      row_number() OVER w = 1
      OR (l.product_name, l.category, l.sub_category, l.brand, l.price, l.cost) IS DISTINCT FROM (
        lag(l.product_name) OVER w,
        lag(l.category) OVER w,
        lag(l.sub_category) OVER w,
        lag(l.brand) OVER w,
        lag(l.price) OVER w,
        lag(l.cost) OVER w
      ) AS opens_version
    FROM
      warehouse.product_changes l
    WHERE
      l.product_id IN (
        SELECT
          product_id
        FROM
          touched
      )
    WINDOW
      w AS (
        PARTITION BY
          l.product_id
        ORDER BY
          l.effective_date
      )
  ),
  desired AS (
    SELECT
      s.product_id,
      s.effective_date,
      coalesce(
        lead(s.effective_date) OVER (
          PARTITION BY
            s.product_id
          ORDER BY
            s.effective_date
        ),
        DATE '9999-12-31'
      ) AS end_date,
      s.product_name,
      s.category,
      s.sub_category,
      s.brand,
      s.price,
      s.cost,
      CASE
        WHEN s.price < 25 THEN 'Budget'
        WHEN s.price < 100 THEN 'Mid-range'
        WHEN s.price < 500 THEN 'Premium'
        ELSE 'Luxury'
      END AS price_range
    FROM
      states s
    WHERE
      s.opens_version
  ),
  existing AS (
    SELECT
      d.*
    FROM
      warehouse.dim_products d
    WHERE
      d.product_id IN (
        SELECT
          product_id
        FROM
          touched
      )
      AND d.product_key <> -1
  )
SELECT
  coalesce(v.product_id, e.product_id) AS product_id,
  coalesce(v.effective_date, e.effective_date) AS effective_date,
  e.product_key AS existing_key,
  v.product_id IS NOT NULL AS desired,
  v.end_date,
  v.end_date = DATE '9999-12-31' AS is_current,
  v.product_name,
  v.category,
  v.sub_category,
  v.brand,
  v.price,
  v.cost,
  v.price_range,
  (
    e.product_name,
    e.category,
    e.sub_category,
    e.brand,
    e.price,
    e.cost,
    e.price_range,
    e.end_date,
    e.is_current
  ) IS DISTINCT FROM (
    v.product_name,
    v.category,
    v.sub_category,
    v.brand,
    v.price,
    v.cost,
    v.price_range,
    v.end_date,
    v.end_date = DATE '9999-12-31'
  ) AS changed,
  -- profit follows the cost: a version whose cost changed in place re-prices all its facts
  e.product_key IS NOT NULL
  AND e.cost IS DISTINCT FROM v.cost AS cost_changed
FROM
  desired v
  FULL JOIN existing e ON e.product_id = v.product_id
  AND e.effective_date = v.effective_date
