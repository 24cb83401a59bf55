-- With every code kept (refresh_codes_kept.sql): adds the new categories, places, products and
-- customers, and updates the current name and home of the changed ones.
WITH
  categories AS (
    INSERT INTO
      dashboard.categories (category_id, category)
    SELECT
      n.category_id,
      n.category
    FROM
      pg_temp.dashboard_next_categories n
    WHERE
      n.category_id > (
        SELECT
          coalesce(max(category_id), 0)
        FROM
          dashboard.categories
      )
  ),
  places AS (
    INSERT INTO
      dashboard.places (geo_id, country, state)
    SELECT
      n.geo_id,
      n.country,
      n.state
    FROM
      pg_temp.dashboard_next_places n
    WHERE
      n.geo_id > (
        SELECT
          coalesce(max(geo_id), 0)
        FROM
          dashboard.places
      )
  ),
  new_products AS (
    INSERT INTO
      dashboard.products (product_no, product_id, product_name, category)
    SELECT
      n.product_no,
      n.product_id,
      n.product_name,
      n.category
    FROM
      pg_temp.dashboard_next_products n
    WHERE
      n.product_no > (
        SELECT
          coalesce(max(product_no), 0)
        FROM
          dashboard.products
      )
  ),
  changed_products AS (
    UPDATE dashboard.products o
    SET
      product_name = n.product_name,
      category = n.category
    FROM
      pg_temp.dashboard_next_products n
    WHERE
      n.product_no = o.product_no
      AND (n.product_name, n.category) IS DISTINCT FROM (o.product_name, o.category)
  ),
  new_customers AS (
    INSERT INTO
      dashboard.customers (customer_no, customer_id, full_name, country, state, registration_date)
    SELECT
      n.customer_no,
      n.customer_id,
      n.full_name,
      n.country,
      n.state,
      n.registration_date
    FROM
      pg_temp.dashboard_next_customers n
    WHERE
      n.customer_no > (
        SELECT
          coalesce(max(customer_no), 0)
        FROM
          dashboard.customers
      )
  ),
  changed_customers AS (
    UPDATE dashboard.customers o
    SET
      full_name = n.full_name,
      country = n.country,
      state = n.state,
      registration_date = n.registration_date
    FROM
      pg_temp.dashboard_next_customers n
    WHERE
      n.customer_no = o.customer_no
      AND (n.full_name, n.country, n.state, n.registration_date) IS DISTINCT FROM (o.full_name, o.country, o.state, o.registration_date)
  )
SELECT
  1
