-- Up Migration
-- Returns on the dashboard and in the analyses (docs/warehouse.md "Cancellations and returns"):
-- gross, returns and net apart.
--
-- fact_returns keeps natural keys (0040 says why). The dashboard filters by the category of the
-- product as sold and the place of the customer when buying, so a return is placed the way a
-- sale on its day would be: the customer and product versions valid on the return date, or the
-- unknown member (-1) where there is none (a return before the customer's or product's first
-- version, or naming one the warehouse never had). Resolved at read time, so a dimension change
-- or a rebuild (which redraws the keys) needs no rewrite of fact_returns.
CREATE VIEW warehouse.fact_returns_keyed AS
SELECT r.return_line_id, r.return_id, r.kind, r.date_key, r.return_date, r.customer_id, r.product_id,
       r.quantity, r.unit_price, r.line_total, r.last_run_id,
       coalesce((SELECT c.customer_key FROM warehouse.dim_customers c
                  WHERE c.customer_id = r.customer_id AND c.effective_date <= r.return_date AND r.return_date < c.end_date), -1)
         AS customer_key,
       coalesce((SELECT p.product_key FROM warehouse.dim_products p
                  WHERE p.product_id = r.product_id AND p.effective_date <= r.return_date AND r.return_date < p.end_date), -1)
         AS product_key
  FROM warehouse.fact_returns r;

-- The dashboard refresh finds the returns of customers whose history a load changed (from the
-- change on), as it finds their sales (sql/dashboard/refresh_return_days_touched.sql).
CREATE INDEX fact_returns_customer_idx ON warehouse.fact_returns (customer_id, return_date);

-- Per day x category (of the product as sold) x place (of the customer when buying) x product:
-- the returns beside the sales summaries, in cents, signed as the source signs them (a credit
-- note is negative; net = revenue + returns). No payment method: a return names none.
-- No "all categories" rows (category_id 0): there is no distinct count to keep exact, the sum
-- over the categories is the total. product_no NULL: a product the warehouse never had.
-- One row at most per return line, so no month or year rollups: at a return in ten lines a
-- year's range reads a tenth of what product_days holds for it.
-- Built by sql/dashboard/refresh_return_days.sql, rebuilt for touched days by
-- refresh_return_days_touched.sql.
CREATE TABLE dashboard.return_days (
  date_key      integer NOT NULL,
  category_id   smallint NOT NULL,
  geo_id        smallint NOT NULL,
  product_no    integer,
  lines         integer NOT NULL,
  quantity      bigint NOT NULL,
  returns_cents bigint NOT NULL
);
CREATE INDEX return_days_date_idx ON dashboard.return_days (date_key);

-- The return rows of a selection, as sales_cells_in gives the sales (0039 says why a table type
-- of its own). No payment parameter: a return has no payment method, and the endpoints show
-- returns as unknown (NULL) under a payment filter rather than a figure that ignores it.
CREATE FUNCTION dashboard.return_days_in(p_from date, p_to date, p_category text, p_country text, p_state text)
RETURNS TABLE (date_key integer, category_id smallint, geo_id smallint, product_no integer, lines integer,
               quantity bigint, returns_cents bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT r.*
    FROM dashboard.return_days r
   WHERE r.date_key BETWEEN coalesce(to_char(p_from, 'YYYYMMDD')::int, 0) AND coalesce(to_char(p_to, 'YYYYMMDD')::int, 99999999)
     AND (p_category IS NULL OR r.category_id IN (SELECT category_id FROM dashboard.categories WHERE category = p_category))
     AND ((p_country IS NULL AND p_state IS NULL)
        OR r.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
$$;

-- Summaries built before this migration: their returns now, from the codes they hold (a later
-- refresh rebuilds them with the rest).
INSERT INTO dashboard.return_days (date_key, category_id, geo_id, product_no, lines, quantity, returns_cents)
SELECT r.date_key, cat.category_id, g.geo_id, pr.product_no, count(*), sum(r.quantity), sum(r.line_total * 100)::bigint
  FROM warehouse.fact_returns_keyed r
  JOIN warehouse.dim_products p ON p.product_key = r.product_key
  JOIN dashboard.categories cat ON cat.category = p.category
  JOIN warehouse.dim_customers c ON c.customer_key = r.customer_key
  JOIN dashboard.places g ON g.country = coalesce(c.country, 'Unknown') AND g.state = coalesce(c.state, 'Unknown')
  LEFT JOIN dashboard.products pr ON pr.product_id = r.product_id
 GROUP BY 1, 2, 3, 4;

-- Down Migration
DROP FUNCTION dashboard.return_days_in(date, date, text, text, text);
DROP TABLE dashboard.return_days;
DROP INDEX warehouse.fact_returns_customer_idx;
DROP VIEW warehouse.fact_returns_keyed;
