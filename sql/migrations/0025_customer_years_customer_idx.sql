-- Up Migration
-- refresh_customer_years_touched.sql merges a few thousand rows into customer_years by their full
-- key. With customer_no outside every index, a delta whose touched days reach back into an earlier
-- year (facts re-pointed to a customer's new version) sorted or hashed that whole year's rows of the
-- touched categories and places (1.2M rows at 1M orders, 1.5 s) to match them. customer_no after
-- the filter columns lets each row be probed by key; the dashboard's filters still use the same
-- prefix, and the entry fits the same 24 bytes (alignment padding), so the index does not grow.
DROP INDEX dashboard.customer_years_filter_idx;
CREATE INDEX customer_years_filter_idx ON dashboard.customer_years (category_id, geo_id, year, customer_no);

-- Down Migration
DROP INDEX dashboard.customer_years_filter_idx;
CREATE INDEX customer_years_filter_idx ON dashboard.customer_years (category_id, geo_id, year);
