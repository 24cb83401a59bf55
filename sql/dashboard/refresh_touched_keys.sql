-- The day rows a refresh deletes and writes, from which it finds and brings up to date the coarser
-- summaries they fed. dashboard_old_customer_days and dashboard_old_product_days keep the day rows
-- of the touched days as they were; on the days kept by difference they and dashboard_new_customer_days and
-- dashboard_new_product_days hold the moved transactions' contributions before and after
-- (refresh_moved_cells.sql): customer firsts, months and years, product months and years are
-- brought up to date by subtracting the old and adding the new and the rebuilt days' rows
-- (refresh_customer_years_touched.sql, refresh_product_months_touched.sql), which reads a few
-- thousand rows instead of every day of the touched customers or months.
CREATE TEMP TABLE dashboard_old_customer_days (
  category_id smallint NOT NULL,
  date_key integer NOT NULL,
  customer_no integer NOT NULL,
  geo_id smallint NOT NULL,
  payment_method_key integer NOT NULL,
  transactions integer NOT NULL,
  revenue_cents bigint NOT NULL
) ON
COMMIT
DROP;

CREATE TEMP TABLE dashboard_old_product_days (
  date_key integer NOT NULL,
  product_no integer NOT NULL,
  category_id smallint NOT NULL,
  geo_id smallint NOT NULL,
  payment_method_key integer NOT NULL,
  transactions integer NOT NULL,
  quantity bigint NOT NULL,
  revenue_cents bigint NOT NULL,
  profit_cents bigint NOT NULL,
  discount_cents bigint NOT NULL
) ON
COMMIT
DROP;

CREATE TEMP TABLE dashboard_new_customer_days (LIKE pg_temp.dashboard_old_customer_days) ON
COMMIT
DROP;

CREATE TEMP TABLE dashboard_new_product_days (LIKE pg_temp.dashboard_old_product_days) ON
COMMIT
DROP
