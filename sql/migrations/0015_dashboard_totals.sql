-- Up Migration
-- The per-customer and per-product totals and the filtered day cells of a dashboard selection,
-- each written once for the queries in sql/dashboard that share them. LANGUAGE sql STABLE, one SELECT, not STRICT, no
-- SECURITY DEFINER and no SET: so PostgreSQL inlines them into the calling query, and with the
-- request's values bound the NULL tests fold away exactly as they did in the inline text (same
-- plans; docs/dashboard_guide.md). NULL means "not filtered" for every argument.

-- Sales rows per customer at the coarsest grain that fits the range (dashboard.range_parts): whole
-- years from customer_years, the rest, without payment filter, from customer_months (whole
-- months, per place) and customer_days (edge days); with a payment filter from customer_days
-- alone. Without place and payment filter the years come from the all-places-and-methods rows
-- (geo_id = 0), unless p_by_place asks for rows that each name the customer's place.
CREATE FUNCTION dashboard.customer_sales(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text,
                                         p_by_place boolean)
RETURNS TABLE (customer_no int, geo_id smallint, transactions int, revenue_cents bigint)
LANGUAGE sql STABLE AS $$
  SELECT y.customer_no, y.geo_id, y.transactions, y.revenue_cents
    FROM dashboard.customer_years y, dashboard.range_parts(p_from, p_to) p
   WHERE y.category_id = (SELECT CASE WHEN p_category IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = p_category)
     AND y.year BETWEEN p.years_lo AND p.years_hi
     AND CASE WHEN NOT p_by_place AND p_country IS NULL AND p_state IS NULL AND p_payment IS NULL THEN y.geo_id = 0
         ELSE y.geo_id > 0
          AND ((p_country IS NULL AND p_state IS NULL)
             OR y.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
          AND (p_payment IS NULL
             OR y.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = p_payment)) END
  UNION ALL
  SELECT m.customer_no, m.geo_id, m.transactions, m.revenue_cents
    FROM dashboard.customer_months m, dashboard.range_parts(p_from, p_to) p
   WHERE p_payment IS NULL
     AND m.category_id = (SELECT CASE WHEN p_category IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = p_category)
     AND (m.month_key BETWEEN p.months_before_lo AND p.months_before_hi OR m.month_key BETWEEN p.months_after_lo AND p.months_after_hi)
     AND ((p_country IS NULL AND p_state IS NULL)
        OR m.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
  UNION ALL
  SELECT d.customer_no, d.geo_id, d.transactions, d.revenue_cents
    FROM dashboard.customer_days d, dashboard.range_parts(p_from, p_to) p
   WHERE d.category_id = (SELECT CASE WHEN p_category IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = p_category)
     AND CASE WHEN p_payment IS NULL
              THEN d.date_key BETWEEN p.days_before_lo AND p.days_before_hi OR d.date_key BETWEEN p.days_after_lo AND p.days_after_hi
              ELSE d.date_key BETWEEN p.rest_before_lo AND p.rest_before_hi OR d.date_key BETWEEN p.rest_after_lo AND p.rest_after_hi END
     AND ((p_country IS NULL AND p_state IS NULL)
        OR d.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
     AND (p_payment IS NULL
        OR d.payment_method_key = (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = p_payment))
$$;

-- What each customer spent in the selection, and in how many transactions.
CREATE FUNCTION dashboard.customer_totals(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text)
RETURNS TABLE (customer_no int, spent_cents numeric, orders bigint)
LANGUAGE sql STABLE AS $$
  SELECT s.customer_no, sum(s.revenue_cents), sum(s.transactions)
    FROM dashboard.customer_sales(p_from, p_to, p_category, p_country, p_state, p_payment, false) AS s
   GROUP BY s.customer_no
$$;

-- Sales per product at the coarsest grain that fits the range: whole years, then whole months
-- (both with all-places-and-methods rows, geo_id = 0, when neither is filtered), then edge days.
-- Money in currency units (cents / 100.0), as the product pages show it.
CREATE FUNCTION dashboard.product_totals(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text)
RETURNS TABLE (product_no int, orders bigint, units_sold numeric, revenue numeric, profit numeric, discount_amount numeric)
LANGUAGE sql STABLE AS $$
  SELECT s.product_no,
         sum(s.transactions),
         sum(s.quantity),
         sum(s.revenue_cents) / 100.0,
         sum(s.profit_cents) / 100.0,
         sum(s.discount_cents) / 100.0
    FROM (
      SELECT y.product_no, y.transactions, y.quantity, y.revenue_cents, y.profit_cents, y.discount_cents
        FROM dashboard.product_years y, dashboard.range_parts(p_from, p_to) p
       WHERE (p_category IS NULL OR y.category_id IN (SELECT category_id FROM dashboard.categories WHERE category = p_category))
         AND y.year BETWEEN p.years_lo AND p.years_hi
         AND CASE WHEN p_country IS NULL AND p_state IS NULL AND p_payment IS NULL THEN y.geo_id = 0
             ELSE y.geo_id > 0
              AND ((p_country IS NULL AND p_state IS NULL)
                 OR y.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
              AND (p_payment IS NULL
                 OR y.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = p_payment)) END
      UNION ALL
      SELECT m.product_no, m.transactions, m.quantity, m.revenue_cents, m.profit_cents, m.discount_cents
        FROM dashboard.product_months m, dashboard.range_parts(p_from, p_to) p
       WHERE (p_category IS NULL OR m.category_id IN (SELECT category_id FROM dashboard.categories WHERE category = p_category))
         AND (m.month_key BETWEEN p.months_before_lo AND p.months_before_hi OR m.month_key BETWEEN p.months_after_lo AND p.months_after_hi)
         AND CASE WHEN p_country IS NULL AND p_state IS NULL AND p_payment IS NULL THEN m.geo_id = 0
             ELSE m.geo_id > 0
              AND ((p_country IS NULL AND p_state IS NULL)
                 OR m.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
              AND (p_payment IS NULL
                 OR m.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = p_payment)) END
      UNION ALL
      SELECT d.product_no, d.transactions, d.quantity, d.revenue_cents, d.profit_cents, d.discount_cents
        FROM dashboard.product_days d, dashboard.range_parts(p_from, p_to) p
       WHERE (p_category IS NULL OR d.category_id IN (SELECT category_id FROM dashboard.categories WHERE category = p_category))
         AND (d.date_key BETWEEN p.days_before_lo AND p.days_before_hi OR d.date_key BETWEEN p.days_after_lo AND p.days_after_hi)
         AND ((p_country IS NULL AND p_state IS NULL)
            OR d.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
         AND (p_payment IS NULL
            OR d.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = p_payment))
    ) AS s
   GROUP BY s.product_no
$$;

-- The day cells of a selection: sales_cells (per day, category, place and method; category_id 0
-- for all categories) and discount_cells (the same, per discount band) under the filters.
-- PARALLEL SAFE because the planner decides on parallel plans before it inlines: with the
-- default (unsafe) a query that calls them would lose the parallel scans the inline text had.
-- The totals above keep the default, as the range_parts they read (and their plans) did.
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

-- Calendar days per ISO weekday (1 = Monday) in the range, days without sales included; an open
-- end is the first or last day the warehouse sold on.
CREATE FUNCTION dashboard.weekday_calendar(p_from date, p_to date)
RETURNS TABLE (day_of_week int, calendar_days bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT extract(isodow FROM g.day)::int, count(*)
    FROM (SELECT coalesce(p_from, to_date(min(s.date_key)::text, 'YYYYMMDD')) AS first_day,
                 coalesce(p_to, to_date(max(s.date_key)::text, 'YYYYMMDD')) AS last_day
            FROM dashboard.sales_cells s
           WHERE s.category_id = 0) AS span
   CROSS JOIN generate_series(span.first_day, span.last_day, interval '1 day') AS g(day)
   GROUP BY 1
$$;

-- Orders and revenue per ISO weekday in the selection.
CREATE FUNCTION dashboard.weekday_sales(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text)
RETURNS TABLE (day_of_week smallint, orders bigint, revenue numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT d.day_of_week, sum(s.transactions), sum(s.revenue_cents) / 100.0
    FROM dashboard.sales_cells_in(p_from, p_to, p_category, p_country, p_state, p_payment) s
    JOIN warehouse.dim_date d ON d.date_key = s.date_key
   GROUP BY d.day_of_week
$$;

-- Down Migration
DROP FUNCTION dashboard.weekday_sales(date, date, text, text, text, text);
DROP FUNCTION dashboard.weekday_calendar(date, date);
DROP FUNCTION dashboard.discount_cells_in(date, date, text, text, text, text);
DROP FUNCTION dashboard.sales_cells_in(date, date, text, text, text, text);
DROP FUNCTION dashboard.product_totals(date, date, text, text, text, text);
DROP FUNCTION dashboard.customer_totals(date, date, text, text, text, text);
DROP FUNCTION dashboard.customer_sales(date, date, text, text, text, text, boolean);
