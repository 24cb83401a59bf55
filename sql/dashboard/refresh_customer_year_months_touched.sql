-- refresh_customer_year_months.sql for the touched months: only customer_months rows of the
-- touched months changed (refresh_customer_months_touched.sql, just before), and only of customers
-- with customer_days rows on a touched day before or after (dashboard_old_customer_days, the
-- rebuilt days). Their masks keep the bits of the other months and take those of the touched
-- months from customer_months again; a mask left without bits goes. Rows are looked up by
-- category, year and customer (the index), the touched months' rows by category and month.
CREATE TEMP TABLE dashboard_year_months_delta ON
COMMIT
DROP AS
WITH
  touched AS (
    SELECT
      c.category_id,
      c.customer_no
    FROM
      dashboard.customer_days c
    WHERE
      c.category_id = ANY (
        ARRAY(
          SELECT
            0::smallint
          UNION ALL
          SELECT
            category_id
          FROM
            dashboard.categories
        )
      )
      AND c.date_key = ANY (
        ARRAY(
          SELECT
            date_key
          FROM
            pg_temp.dashboard_touched_days
        )
      )
    UNION
    SELECT
      o.category_id,
      o.customer_no
    FROM
      pg_temp.dashboard_old_customer_days o
  ),
  -- The bits of the touched months in each touched year.
  touched_bits AS (
    SELECT
      t.date_key / 10000 AS year,
      bit_or(1 << (t.date_key / 100 % 100 - 1)) AS bits
    FROM
      pg_temp.dashboard_touched_days t
    GROUP BY
      1
  ),
  fresh AS (
    SELECT
      m.category_id,
      m.month_key / 100 AS year,
      m.customer_no,
      coalesce(m.geo_id, 0)::smallint AS geo_id,
      bit_or(1 << (m.month_key % 100 - 1)) AS months
    FROM
      dashboard.customer_months m
    WHERE
      m.category_id = ANY (
        ARRAY(
          SELECT
            0::smallint
          UNION ALL
          SELECT
            category_id
          FROM
            dashboard.categories
        )
      )
      AND m.month_key = ANY (
        ARRAY(
          SELECT DISTINCT
            date_key / 100
          FROM
            pg_temp.dashboard_touched_days
        )
      )
      AND (m.category_id, m.customer_no) IN (
        SELECT
          category_id,
          customer_no
        FROM
          touched
      )
    GROUP BY
      GROUPING SETS (
        (m.category_id, m.month_key / 100, m.customer_no, m.geo_id),
        (m.category_id, m.month_key / 100, m.customer_no)
      )
  ),
  -- Each touched customer's rows of the touched years, looked up through the index.
  old AS (
    SELECT
      y.category_id,
      y.year,
      y.customer_no,
      y.geo_id,
      y.months
    FROM
      touched t
      CROSS JOIN LATERAL (
        SELECT
          y.category_id,
          y.year,
          y.customer_no,
          y.geo_id,
          y.months
        FROM
          dashboard.customer_year_months y
        WHERE
          y.category_id = t.category_id
          AND y.year = ANY (
            ARRAY(
              SELECT DISTINCT
                date_key / 10000
              FROM
                pg_temp.dashboard_touched_days
            )
          )
          AND y.customer_no = t.customer_no
        OFFSET
          0 -- kept a subquery: pulled up, it became a hash join over a scan of every row
      ) AS y
  )
SELECT
  p.category_id,
  p.year,
  p.customer_no,
  p.geo_id,
  p.old_months,
  (coalesce(p.old_months, 0) & ~ b.bits) | coalesce(p.fresh_months, 0) AS new_months
FROM
  (
    SELECT
      coalesce(o.category_id, f.category_id) AS category_id,
      coalesce(o.year, f.year) AS year,
      coalesce(o.customer_no, f.customer_no) AS customer_no,
      coalesce(o.geo_id, f.geo_id) AS geo_id,
      o.months AS old_months,
      f.months AS fresh_months
    FROM
      old o
      FULL JOIN fresh f ON f.category_id = o.category_id
      AND f.year = o.year
      AND f.customer_no = o.customer_no
      AND f.geo_id = o.geo_id
  ) AS p
  JOIN touched_bits b ON b.year = p.year;

ANALYZE pg_temp.dashboard_year_months_delta;

WITH
  removed AS (
    DELETE FROM dashboard.customer_year_months y USING pg_temp.dashboard_year_months_delta d
    WHERE
      d.old_months IS NOT NULL
      AND d.new_months = 0
      AND y.category_id = d.category_id
      AND y.year = d.year
      AND y.customer_no = d.customer_no
      AND y.geo_id = d.geo_id
  ),
  changed AS (
    UPDATE dashboard.customer_year_months y
    SET
      months = d.new_months
    FROM
      pg_temp.dashboard_year_months_delta d
    WHERE
      d.old_months IS NOT NULL
      AND d.new_months <> 0
      AND d.new_months <> d.old_months
      AND y.category_id = d.category_id
      AND y.year = d.year
      AND y.customer_no = d.customer_no
      AND y.geo_id = d.geo_id
  )
INSERT INTO
  dashboard.customer_year_months (category_id, year, customer_no, geo_id, months)
SELECT
  d.category_id,
  d.year,
  d.customer_no,
  d.geo_id,
  d.new_months
FROM
  pg_temp.dashboard_year_months_delta d
WHERE
  d.old_months IS NULL
  AND d.new_months <> 0
