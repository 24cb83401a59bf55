-- One row per customer_id with its current name and home.
INSERT INTO
  dashboard.customers (customer_no, customer_id, full_name, country, state, registration_date)
SELECT
  row_number() OVER (
    ORDER BY
      customer_id
  ),
  customer_id,
  full_name,
  country,
  state,
  registration_date
FROM
  (
    SELECT DISTINCT
      ON (customer_id) customer_id,
      full_name,
      country,
      state,
      registration_date
    FROM
      warehouse.dim_customers
    WHERE
      customer_key <> -1
    ORDER BY
      customer_id,
      is_current DESC,
      effective_date DESC
  ) AS c
