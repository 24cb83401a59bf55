-- The unknown member and customers without a location are the place 'Unknown' / 'Unknown'.
INSERT INTO
  dashboard.places (geo_id, country, state)
SELECT
  row_number() OVER (
    ORDER BY
      country,
      state
  ),
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
