-- The customers a full refresh would write (refresh_customers.sql), to compare with the current ones.
CREATE TEMP TABLE dashboard_next_customers ON
COMMIT
DROP AS
SELECT
  row_number() OVER (
    ORDER BY
      customer_id
  )::integer AS customer_no,
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
