-- The places a full refresh would write (refresh_places.sql), to compare with the current ones.
CREATE TEMP TABLE dashboard_next_places ON
COMMIT
DROP AS
SELECT
  row_number() OVER (
    ORDER BY
      country,
      state
  )::smallint AS geo_id,
  country,
  state
FROM
  (
    SELECT DISTINCT
      coalesce(country, 'Unknown') AS country,
      coalesce(state, 'Unknown') AS state
    FROM
      warehouse.dim_customers
  ) AS p
