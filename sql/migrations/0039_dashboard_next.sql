-- Up Migration
-- A full refresh of the dashboard's summaries builds them on two connections at once into tables
-- of schema dashboard_next (same names, same definitions) and swaps them in by dropping the live
-- tables and moving the new ones into schema dashboard, in one short transaction
-- (apps/analytics/src/dashboard-summaries). A dropped table must have nothing depending on it: the
-- two functions below returned the row types of sales_cells and discount_cells, which tied them
-- to those tables. The same columns as a table type of their own: callers read the same result,
-- and the planner still inlines them.
CREATE SCHEMA dashboard_next;

DROP FUNCTION dashboard.sales_cells_in(date, date, text, text, text, text);
DROP FUNCTION dashboard.discount_cells_in(date, date, text, text, text, text);

-- PARALLEL SAFE as before (0015 says why).
CREATE FUNCTION dashboard.sales_cells_in(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text)
RETURNS TABLE (category_id smallint, date_key integer, geo_id smallint, payment_method_key integer, transactions integer,
               lines integer, quantity bigint, revenue_cents bigint, profit_cents bigint, discount_cents bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.*
    FROM dashboard.sales_cells s
   WHERE s.category_id = (SELECT CASE WHEN p_category IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = p_category)
     AND s.date_key BETWEEN coalesce(to_char(p_from, 'YYYYMMDD')::int, 0) AND coalesce(to_char(p_to, 'YYYYMMDD')::int, 99999999)
     AND ((p_country IS NULL AND p_state IS NULL)
        OR s.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
     AND (p_payment IS NULL
        OR s.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = p_payment))
$$;

CREATE FUNCTION dashboard.discount_cells_in(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text)
RETURNS TABLE (category_id smallint, date_key integer, geo_id smallint, payment_method_key integer, discount_band smallint,
               transactions integer, lines integer, quantity bigint, gross_cents bigint, revenue_cents bigint,
               profit_cents bigint, discount_cents bigint, discount_pct_cents bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.*
    FROM dashboard.discount_cells s
   WHERE s.category_id = (SELECT CASE WHEN p_category IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = p_category)
     AND s.date_key BETWEEN coalesce(to_char(p_from, 'YYYYMMDD')::int, 0) AND coalesce(to_char(p_to, 'YYYYMMDD')::int, 99999999)
     AND ((p_country IS NULL AND p_state IS NULL)
        OR s.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
     AND (p_payment IS NULL
        OR s.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = p_payment))
$$;

-- Down Migration
DROP FUNCTION dashboard.sales_cells_in(date, date, text, text, text, text);
DROP FUNCTION dashboard.discount_cells_in(date, date, text, text, text, text);

CREATE FUNCTION dashboard.sales_cells_in(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text)
RETURNS SETOF dashboard.sales_cells
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.*
    FROM dashboard.sales_cells s
   WHERE s.category_id = (SELECT CASE WHEN p_category IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = p_category)
     AND s.date_key BETWEEN coalesce(to_char(p_from, 'YYYYMMDD')::int, 0) AND coalesce(to_char(p_to, 'YYYYMMDD')::int, 99999999)
     AND ((p_country IS NULL AND p_state IS NULL)
        OR s.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
     AND (p_payment IS NULL
        OR s.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = p_payment))
$$;

CREATE FUNCTION dashboard.discount_cells_in(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text)
RETURNS SETOF dashboard.discount_cells
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.*
    FROM dashboard.discount_cells s
   WHERE s.category_id = (SELECT CASE WHEN p_category IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = p_category)
     AND s.date_key BETWEEN coalesce(to_char(p_from, 'YYYYMMDD')::int, 0) AND coalesce(to_char(p_to, 'YYYYMMDD')::int, 99999999)
     AND ((p_country IS NULL AND p_state IS NULL)
        OR s.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
     AND (p_payment IS NULL
        OR s.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = p_payment))
$$;

DROP SCHEMA dashboard_next CASCADE;
