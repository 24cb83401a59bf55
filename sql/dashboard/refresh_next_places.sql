-- The places a full refresh would write (refresh_places.sql), to compare with the current ones.
-- Those are the places of every customer version (~100k at 1M orders, ~50-70 ms of CPU to read for
-- the same ~34 places). A load writes versions only for the customers whose change log it wrote
-- (refresh_next_customers.sql), so the places of all other versions are among the current ones,
-- which are the full refresh's as of the last refresh. The current places are then the full
-- refresh's when every place of the touched customers' versions is one of them and every one of
-- them is still someone's: a touched customer's version or the unknown member read now, or a
-- version of an untouched customer with a fact there (dashboard.customer_years, as the last refresh
-- wrote it). Otherwise every version is read.
CREATE TEMP TABLE dashboard_next_places ON
COMMIT
DROP AS
WITH
  touched AS MATERIALIZED ({{touched_customers}}),
  seen AS MATERIALIZED (
    SELECT DISTINCT
      coalesce(d.country, 'Unknown') AS country,
      coalesce(d.state, 'Unknown') AS state
    FROM
      warehouse.dim_customers d
    WHERE
      d.customer_id = ANY (
        ARRAY(
          SELECT
            customer_id
          FROM
            touched
        )
      )
      OR d.customer_key = -1
  ),
  same AS MATERIALIZED (
    SELECT
      NOT EXISTS (
        SELECT
          1
        FROM
          seen s
        WHERE
          NOT EXISTS (
            SELECT
              1
            FROM
              dashboard.places p
            WHERE
              p.country = s.country
              AND p.state = s.state
          )
      )
      AND NOT EXISTS (
        SELECT
          1
        FROM
          dashboard.places p
        WHERE
          NOT EXISTS (
            SELECT
              1
            FROM
              seen s
            WHERE
              s.country = p.country
              AND s.state = p.state
          )
          -- Per place through the index, stopped at the first untouched customer: a customer's
          -- year row at a place counts a fact of a version there, unchanged when the load did not
          -- touch the customer.
          AND (
            SELECT
              1
            FROM
              dashboard.customer_years y
              JOIN dashboard.customers c ON c.customer_no = y.customer_no
            WHERE
              y.category_id = 0
              AND y.geo_id = p.geo_id
              AND y.transactions > 0
              AND c.customer_id NOT IN (
                SELECT
                  customer_id
                FROM
                  touched
              )
            LIMIT
              1
          ) IS NULL
      ) AS same
  )
SELECT
  p.geo_id,
  p.country,
  p.state
FROM
  dashboard.places p
WHERE
  (
    SELECT
      same
    FROM
      same
  )
UNION ALL
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
WHERE
  NOT (
    SELECT
      same
    FROM
      same
  )
