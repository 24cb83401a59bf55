-- customer_months as one bit mask of months per customer, year and place, plus one row per
-- customer and year for any place (geo_id = 0): what cohort retention reads for whole months.
-- Its own TRUNCATE and index: the full refresh's clear and index steps list the older tables. The
-- index is dropped and built after the rows (once, sorted) as the full refresh does for the others;
-- its statistics come with theirs (refresh_analyze.sql; a rebuild on lanes analyses each table once
-- indexed, refresh_next_finish.sql, and analysed it twice while this file did).
TRUNCATE dashboard.customer_year_months;

CREATE TEMP TABLE dashboard_year_months_index ON
COMMIT
DROP AS
SELECT
  pg_get_indexdef(i.oid) AS definition
FROM
  pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
WHERE
  x.indrelid = 'dashboard.customer_year_months'::regclass;

DO $$
DECLARE
  ix record;
BEGIN
  FOR ix IN SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
             WHERE x.indrelid = 'dashboard.customer_year_months'::regclass LOOP
    EXECUTE format('DROP INDEX dashboard.%I', ix.relname);
  END LOOP;
END
$$;

-- Per place first, then any place from those (a third of the rows): grouping sets over
-- customer_months took 1.7x as long (1M clone, back to back).
INSERT INTO
  dashboard.customer_year_months (category_id, year, customer_no, geo_id, months)
WITH
  per_place AS MATERIALIZED (
    SELECT
      m.category_id,
      m.month_key / 100 AS year,
      m.customer_no,
      m.geo_id,
      bit_or(1 << (m.month_key % 100 - 1)) AS months
    FROM
      dashboard.customer_months m
    GROUP BY
      1,
      2,
      3,
      4
  )
SELECT
  category_id,
  year,
  customer_no,
  geo_id,
  months
FROM
  per_place
UNION ALL
SELECT
  category_id,
  year,
  customer_no,
  0,
  bit_or(months)
FROM
  per_place
GROUP BY
  1,
  2,
  3;

DO $$
DECLARE
  ix record;
BEGIN
  FOR ix IN SELECT * FROM pg_temp.dashboard_year_months_index LOOP
    EXECUTE ix.definition;
  END LOOP;
END
$$;

DROP TABLE pg_temp.dashboard_year_months_index
