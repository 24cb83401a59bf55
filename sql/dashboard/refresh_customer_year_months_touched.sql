-- refresh_customer_year_months.sql for the touched months: a mask's bit for a month is set exactly
-- when customer_months has a row of that month (of that place; geo_id 0: of any place), and only
-- the (category, month, customer) groups refresh_customer_months_touched.sql deleted and wrote again
-- (dashboard_month_changes: their rows before and after) changed. So each mask those rows name
-- drops the bits of their months and takes those the written rows set; a mask left without bits
-- goes. Reading every touched customer's months and masks instead (those with customer_days rows
-- on a touched day, ~19k at 1M, of ~7k groups that change) took ~0.45 s of a 1M one-day delta.
-- The masks are looked up by the index (category, year, customer, place).
CREATE TEMP TABLE dashboard_year_months_delta ON
COMMIT
DROP AS
WITH
  bits AS (
    SELECT
      c.category_id,
      c.month_key / 100 AS year,
      c.customer_no,
      g.geo_id,
      bit_or(1 << (c.month_key % 100 - 1)) AS changed,
      coalesce(
        bit_or(1 << (c.month_key % 100 - 1)) FILTER (
          WHERE
            c.is_new
        ),
        0
      ) AS fresh
    FROM
      pg_temp.dashboard_month_changes c
      CROSS JOIN LATERAL (
        VALUES
          (c.geo_id),
          (0::smallint)
      ) AS g (geo_id)
    GROUP BY
      1,
      2,
      3,
      4
  )
SELECT
  b.category_id,
  b.year,
  b.customer_no,
  b.geo_id,
  y.months AS old_months,
  (coalesce(y.months, 0) & ~ b.changed) | b.fresh AS new_months
FROM
  bits b
  LEFT JOIN LATERAL (
    SELECT
      y.months
    FROM
      dashboard.customer_year_months y
    WHERE
      y.category_id = b.category_id
      AND y.year = b.year
      AND y.customer_no = b.customer_no
      AND y.geo_id = b.geo_id
    OFFSET
      0 -- kept a subquery: pulled up, it became a hash join over a scan of every row
  ) AS y ON TRUE;

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
