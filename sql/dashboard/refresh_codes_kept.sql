-- Whether every current category, place, product and customer keeps its code in the next
-- dimensions. Codes are row numbers in key order, so a new key that sorts before an existing one
-- renumbers everything after it, and every summary row would have to change: a full refresh.
-- Kept codes are 1..n in both, so the new keys are exactly the codes above n. EXCEPT, not joins:
-- the temp tables have no statistics, and a join planned blind ran for minutes at 1 M.
SELECT
  NOT EXISTS (
    SELECT
      category_id,
      category
    FROM
      dashboard.categories
    EXCEPT
    SELECT
      category_id,
      category
    FROM
      pg_temp.dashboard_next_categories
  )
  AND NOT EXISTS (
    SELECT
      geo_id,
      country,
      state
    FROM
      dashboard.places
    EXCEPT
    SELECT
      geo_id,
      country,
      state
    FROM
      pg_temp.dashboard_next_places
  )
  AND NOT EXISTS (
    SELECT
      product_no,
      product_id
    FROM
      dashboard.products
    EXCEPT
    SELECT
      product_no,
      product_id
    FROM
      pg_temp.dashboard_next_products
  )
  -- Customers: only those the load may have changed are listed, each saying whether its code and
  -- every other stay (refresh_next_customers.sql).
  AND NOT EXISTS (
    SELECT
      1
    FROM
      pg_temp.dashboard_next_customers
    WHERE
      NOT kept
  ) AS kept
