-- Up Migration
-- The months a customer bought in, per year, as a bit mask: what cohort retention reads for the
-- whole months of a range (docs/dashboard_guide.md, "How it stays fast"). It needs each customer's
-- months with a purchase, each once; from customer_months that is a row per customer and month
-- (~400k over a year at 1M orders), from here one per customer and year (84k).
-- months: bit m - 1 set when the customer bought in month m of the year (in the category; 0 = all)
-- at the place; geo_id = 0 holds the months at any place (the OR of the customer's places).
-- Built from customer_months by sql/dashboard/refresh_customer_year_months.sql, brought up to date
-- for the touched months by refresh_customer_year_months_touched.sql.
CREATE TABLE dashboard.customer_year_months (
  category_id smallint NOT NULL,
  year        integer NOT NULL,
  customer_no integer NOT NULL,
  geo_id      smallint NOT NULL,
  months      integer NOT NULL CHECK (months > 0 AND months < 4096)
);
-- Reads filter category, year and place; the incremental refresh looks rows up by category, year
-- and customer (customer before place, so a customer's places are one range of the index).
CREATE INDEX customer_year_months_key_idx ON dashboard.customer_year_months (category_id, year, customer_no, geo_id);

-- Per place first, then any place from those (a third of the rows): grouping sets over
-- customer_months took 1.7x as long (1M clone, back to back).
INSERT INTO dashboard.customer_year_months (category_id, year, customer_no, geo_id, months)
WITH per_place AS MATERIALIZED (
  SELECT m.category_id, m.month_key / 100 AS year, m.customer_no, m.geo_id, bit_or(1 << (m.month_key % 100 - 1)) AS months
    FROM dashboard.customer_months m
   GROUP BY 1, 2, 3, 4
)
SELECT category_id, year, customer_no, geo_id, months FROM per_place
UNION ALL
SELECT category_id, year, customer_no, 0, bit_or(months) FROM per_place GROUP BY 1, 2, 3;
ANALYZE dashboard.customer_year_months;

-- Down Migration
DROP TABLE dashboard.customer_year_months;
