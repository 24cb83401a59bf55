-- Up Migration
-- Coarser dashboard summaries (docs/dashboard_guide.md, "How it stays fast"). Customer analyses
-- group per customer, and at 1M transactions the per-day table holds ~1M customer-day rows for
-- any long date range: too many to hash in 300 ms. A date range now reads its whole years from
-- *_years, the rest of its whole months from *_months, and only the edge days from *_days
-- (dashboard.range_parts splits it). In *_years and product_months, geo_id = 0 with
-- payment_method_key = 0 is the row for all places and all payment methods together, so a query
-- without place or payment filter reads one row per customer (or product) and period.
-- customer_months is split by place only (see there).
-- Summing transactions across days, places and methods stays exact: a transaction has one date,
-- one customer place and one payment method.

-- The analytics stage refreshes the summaries; run_id is the run whose stage did (the badge).
ALTER TABLE dashboard.refresh_state ADD COLUMN run_id text;

-- A customer's first purchase day per category (0 = all), over all places and methods: when it
-- falls inside the selected range, it is the customer's cohort month without grouping all their
-- months first (cohort_retention.sql).
CREATE TABLE dashboard.customer_firsts (
  category_id    smallint NOT NULL,
  customer_no    integer NOT NULL,
  first_date_key integer NOT NULL,
  PRIMARY KEY (category_id, customer_no)
);

-- Payment-filtered customer analyses read customer_days for everything but whole years.
CREATE INDEX customer_days_payment_idx ON dashboard.customer_days (category_id, payment_method_key, date_key);

-- All payment methods together, per place: split by method too it would be hardly smaller than
-- customer_days (a customer buys about once a month), so payment-filtered queries read days.
-- first_place marks one row per customer and month (the lowest geo_id), for counting customers
-- once when a customer moved within a month.
CREATE TABLE dashboard.customer_months (
  category_id    smallint NOT NULL,
  month_key      integer NOT NULL, -- yyyymm
  customer_no    integer NOT NULL,
  geo_id         smallint NOT NULL,
  first_place    boolean NOT NULL,
  transactions   integer NOT NULL,
  revenue_cents  bigint NOT NULL,
  first_date_key integer NOT NULL -- the customer's first purchase in the category (customer_firsts)
);
CREATE INDEX customer_months_filter_idx ON dashboard.customer_months (category_id, month_key);

CREATE TABLE dashboard.customer_years (
  category_id        smallint NOT NULL,
  year               integer NOT NULL,
  customer_no        integer NOT NULL,
  geo_id             smallint NOT NULL,
  payment_method_key integer NOT NULL,
  transactions       integer NOT NULL,
  revenue_cents      bigint NOT NULL
);
CREATE INDEX customer_years_filter_idx ON dashboard.customer_years (category_id, geo_id, year);

-- sales_cells per month: what category_performance reads for the whole months of a range.
CREATE TABLE dashboard.sales_months (
  category_id        smallint NOT NULL,
  month_key          integer NOT NULL,
  geo_id             smallint NOT NULL,
  payment_method_key integer NOT NULL,
  transactions       integer NOT NULL,
  lines              integer NOT NULL,
  quantity           bigint NOT NULL,
  revenue_cents      bigint NOT NULL,
  profit_cents       bigint NOT NULL,
  discount_cents     bigint NOT NULL,
  PRIMARY KEY (category_id, month_key, geo_id, payment_method_key)
);

CREATE TABLE dashboard.product_months (
  month_key          integer NOT NULL,
  product_no         integer NOT NULL,
  category_id        smallint NOT NULL,
  geo_id             smallint NOT NULL,
  payment_method_key integer NOT NULL,
  transactions       integer NOT NULL,
  quantity           bigint NOT NULL,
  revenue_cents      bigint NOT NULL,
  profit_cents       bigint NOT NULL,
  discount_cents     bigint NOT NULL
);
CREATE INDEX product_months_filter_idx ON dashboard.product_months (geo_id, month_key);

CREATE TABLE dashboard.product_years (
  year               integer NOT NULL,
  product_no         integer NOT NULL,
  category_id        smallint NOT NULL,
  geo_id             smallint NOT NULL,
  payment_method_key integer NOT NULL,
  transactions       integer NOT NULL,
  quantity           bigint NOT NULL,
  revenue_cents      bigint NOT NULL,
  profit_cents       bigint NOT NULL,
  discount_cents     bigint NOT NULL
);
CREATE INDEX product_years_filter_idx ON dashboard.product_years (geo_id, year);

-- Splits the range [first_day, last_day] (NULL = open) into whole years, the remaining whole
-- months before and after them, and the edge days before and after those months; every day of
-- the range falls in exactly one part. An empty part has lo > hi. Keys: year, yyyymm, yyyymmdd.
-- months_lo/months_hi span every whole month (for analyses that need the month, not the year);
-- rest_* are the days outside the whole years (for tables without a month summary).
CREATE FUNCTION dashboard.range_parts(first_day date, last_day date)
RETURNS TABLE (years_lo int, years_hi int,
               months_lo int, months_hi int,
               months_before_lo int, months_before_hi int, months_after_lo int, months_after_hi int,
               days_before_lo int, days_before_hi int, days_after_lo int, days_after_hi int,
               rest_before_lo int, rest_before_hi int, rest_after_lo int, rest_after_hi int)
LANGUAGE sql IMMUTABLE AS $$
  -- Integer month indexes (year * 12 + month - 1) and plain date arithmetic only: every step is
  -- immutable, so with constant arguments the planner folds the keys into constants.
  SELECT w.y0, w.y1,
         (w.m0 / 12) * 100 + w.m0 % 12 + 1, (w.m1 / 12) * 100 + w.m1 % 12 + 1,
         (w.m0 / 12) * 100 + w.m0 % 12 + 1, (e.mb / 12) * 100 + e.mb % 12 + 1,
         (e.ma / 12) * 100 + e.ma % 12 + 1, (w.m1 / 12) * 100 + w.m1 % 12 + 1,
         k.d0, k.db, k.da, k.d1, k.d0, k.rb, k.ra, k.d1
    FROM (SELECT r.d0, r.d1,
                 extract(year FROM r.d0 - 1)::int * 12 + extract(month FROM r.d0 - 1)::int AS m0,
                 extract(year FROM r.d1 + 1)::int * 12 + extract(month FROM r.d1 + 1)::int - 2 AS m1,
                 extract(year FROM r.d0 - 1)::int + 1 AS y0,
                 extract(year FROM r.d1 + 1)::int - 1 AS y1
            FROM (SELECT coalesce(first_day, date '1000-01-01') AS d0, coalesce(last_day, date '9999-12-31') AS d1) AS r) AS w
   CROSS JOIN LATERAL (
     SELECT CASE WHEN w.y0 <= w.y1 THEN w.y0 * 12 - 1 ELSE w.m1 END AS mb,
            CASE WHEN w.y0 <= w.y1 THEN w.y1 * 12 + 12 ELSE w.m1 + 1 END AS ma,
            CASE WHEN w.m0 <= w.m1 THEN make_date(w.m0 / 12, w.m0 % 12 + 1, 1) - 1 ELSE w.d1 END AS db,
            CASE WHEN w.m0 <= w.m1 THEN make_date((w.m1 + 1) / 12, (w.m1 + 1) % 12 + 1, 1) ELSE w.d1 + 1 END AS da,
            CASE WHEN w.y0 <= w.y1 THEN make_date(w.y0, 1, 1) - 1 ELSE w.d1 END AS rb,
            CASE WHEN w.y0 <= w.y1 THEN make_date(w.y1 + 1, 1, 1) ELSE w.d1 + 1 END AS ra
   ) AS e
   CROSS JOIN LATERAL (
     SELECT extract(year FROM w.d0)::int * 10000 + extract(month FROM w.d0)::int * 100 + extract(day FROM w.d0)::int AS d0,
            extract(year FROM w.d1)::int * 10000 + extract(month FROM w.d1)::int * 100 + extract(day FROM w.d1)::int AS d1,
            extract(year FROM e.db)::int * 10000 + extract(month FROM e.db)::int * 100 + extract(day FROM e.db)::int AS db,
            extract(year FROM e.da)::int * 10000 + extract(month FROM e.da)::int * 100 + extract(day FROM e.da)::int AS da,
            extract(year FROM e.rb)::int * 10000 + extract(month FROM e.rb)::int * 100 + extract(day FROM e.rb)::int AS rb,
            extract(year FROM e.ra)::int * 10000 + extract(month FROM e.ra)::int * 100 + extract(day FROM e.ra)::int AS ra
   ) AS k
$$;

-- Fill from the day summaries already there, so an upgraded dashboard answers before the next run
-- (the same statements as sql/dashboard/refresh_*_months.sql and refresh_*_years.sql).
INSERT INTO dashboard.customer_firsts (category_id, customer_no, first_date_key)
SELECT c.category_id, c.customer_no, min(c.date_key)
  FROM dashboard.customer_days c
 GROUP BY 1, 2;

INSERT INTO dashboard.customer_months
  (category_id, month_key, customer_no, geo_id, first_place, transactions, revenue_cents, first_date_key)
SELECT m.category_id, m.month_key, m.customer_no, m.geo_id,
       row_number() OVER (PARTITION BY m.category_id, m.month_key, m.customer_no ORDER BY m.geo_id) = 1,
       m.transactions, m.revenue_cents, m.first_date_key
  FROM (SELECT c.category_id, c.date_key / 100 AS month_key, c.customer_no, c.geo_id,
               sum(c.transactions) AS transactions, sum(c.revenue_cents) AS revenue_cents, min(f.first_date_key) AS first_date_key
          FROM dashboard.customer_days c
          JOIN dashboard.customer_firsts f ON f.category_id = c.category_id AND f.customer_no = c.customer_no
         GROUP BY 1, 2, 3, 4) AS m
 ORDER BY m.category_id, m.month_key, m.customer_no, m.geo_id;

INSERT INTO dashboard.customer_years
  (category_id, year, customer_no, geo_id, payment_method_key, transactions, revenue_cents)
SELECT c.category_id, c.date_key / 10000, c.customer_no, coalesce(c.geo_id, 0), coalesce(c.payment_method_key, 0),
       sum(c.transactions), sum(c.revenue_cents)
  FROM dashboard.customer_days c
 GROUP BY GROUPING SETS ((c.category_id, c.date_key / 10000, c.customer_no, c.geo_id, c.payment_method_key),
                         (c.category_id, c.date_key / 10000, c.customer_no))
 ORDER BY 1, 4, 2;

INSERT INTO dashboard.sales_months
  (category_id, month_key, geo_id, payment_method_key, transactions, lines, quantity, revenue_cents, profit_cents, discount_cents)
SELECT s.category_id, s.date_key / 100, s.geo_id, s.payment_method_key,
       sum(s.transactions), sum(s.lines), sum(s.quantity), sum(s.revenue_cents), sum(s.profit_cents), sum(s.discount_cents)
  FROM dashboard.sales_cells s
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 2, 3, 4;

INSERT INTO dashboard.product_months
  (month_key, product_no, category_id, geo_id, payment_method_key, transactions, quantity, revenue_cents, profit_cents, discount_cents)
SELECT p.date_key / 100, p.product_no, p.category_id, coalesce(p.geo_id, 0), coalesce(p.payment_method_key, 0),
       sum(p.transactions), sum(p.quantity), sum(p.revenue_cents), sum(p.profit_cents), sum(p.discount_cents)
  FROM dashboard.product_days p
 GROUP BY GROUPING SETS ((p.date_key / 100, p.product_no, p.category_id, p.geo_id, p.payment_method_key),
                         (p.date_key / 100, p.product_no, p.category_id))
 ORDER BY 4, 1;

INSERT INTO dashboard.product_years
  (year, product_no, category_id, geo_id, payment_method_key, transactions, quantity, revenue_cents, profit_cents, discount_cents)
SELECT m.month_key / 100, m.product_no, m.category_id, m.geo_id, m.payment_method_key,
       sum(m.transactions), sum(m.quantity), sum(m.revenue_cents), sum(m.profit_cents), sum(m.discount_cents)
  FROM dashboard.product_months m
 GROUP BY 1, 2, 3, 4, 5
 ORDER BY 4, 1;

ANALYZE dashboard.customer_firsts, dashboard.customer_months, dashboard.customer_years, dashboard.sales_months, dashboard.product_months, dashboard.product_years;

-- Down Migration
DROP FUNCTION dashboard.range_parts(date, date);
DROP TABLE dashboard.product_years;
DROP TABLE dashboard.product_months;
DROP TABLE dashboard.sales_months;
DROP TABLE dashboard.customer_years;
DROP TABLE dashboard.customer_months;
DROP TABLE dashboard.customer_firsts;
DROP INDEX dashboard.customer_days_payment_idx;
ALTER TABLE dashboard.refresh_state DROP COLUMN run_id;
