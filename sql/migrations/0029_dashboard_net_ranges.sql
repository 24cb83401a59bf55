-- Up Migration
-- Customer totals of a date range that covers most of a year, read as the year minus what lies
-- outside the range (docs/dashboard_guide.md, "How it stays fast"). dashboard.range_parts reads a
-- partial year as its whole months and edge days: ten days short of a year were 10 months of
-- customer_months (34k rows each at 1M orders) and 42 edge days of customer_days (2.6k rows each),
-- ~450k rows to group per customer, where the year's all-places rows (84k) less 20 edge days (53k)
-- give the same sums. Exact: every summary is a sum of the same day rows, so year minus outside
-- equals inside for transactions and cents, per customer and per place and method; a customer
-- bought in the range exactly when the net transactions are above 0 (every day row counts at least
-- one), which customer_totals keeps as its HAVING.

-- The day key (yyyymmdd) of a date, immutable so that constant ranges fold into index bounds.
CREATE FUNCTION dashboard.day_key(d date) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (extract(year FROM d) * 10000 + extract(month FROM d) * 100 + extract(day FROM d))::int
$$;

-- Splits [first_day, last_day] (NULL = open) into parts to add and parts to subtract. The whole
-- years of the range, and a partial year (at either end, or the range's only year) when reading
-- the year and subtracting what lies outside the range reads fewer rows than its inside would:
-- cost in customer_days rows per day at 1M orders, a year ~32 days, a whole month ~13 (a customer
-- buys on ~2.4 days of a month it buys in), an edge day 1. A partial year read from the inside
-- adds its whole months and edge days (plus_*_s for the range's first year, plus_*_e for its last),
-- or all its days (plus_rest_*: with a payment filter, which has no month summary). A year read
-- whole subtracts its months and edge days before first_day (minus_*_l) and after last_day
-- (minus_*_r), or all those days (minus_rest_*). Keys: year, yyyymm, yyyymmdd; an empty part has
-- lo > hi.
CREATE FUNCTION dashboard.range_net_parts(first_day date, last_day date)
RETURNS TABLE (years_lo int, years_hi int,
               plus_months_s_lo int, plus_months_s_hi int, plus_months_e_lo int, plus_months_e_hi int,
               plus_days_s1_lo int, plus_days_s1_hi int, plus_days_s2_lo int, plus_days_s2_hi int,
               plus_days_e1_lo int, plus_days_e1_hi int, plus_days_e2_lo int, plus_days_e2_hi int,
               plus_rest_s_lo int, plus_rest_s_hi int, plus_rest_e_lo int, plus_rest_e_hi int,
               minus_months_l_lo int, minus_months_l_hi int, minus_months_r_lo int, minus_months_r_hi int,
               minus_days_l_lo int, minus_days_l_hi int, minus_days_r_lo int, minus_days_r_hi int,
               minus_rest_l_lo int, minus_rest_l_hi int, minus_rest_r_lo int, minus_rest_r_hi int)
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN c.l_act THEN w.y0 ELSE w.wy_lo END,
         CASE WHEN c.r_act THEN w.y1 ELSE w.wy_hi END,
         si.m_lo, si.m_hi, ei.m_lo, ei.m_hi,
         si.d1_lo, si.d1_hi, si.d2_lo, si.d2_hi,
         ei.d1_lo, ei.d1_hi, ei.d2_lo, ei.d2_hi,
         si.r_lo, si.r_hi, ei.r_lo, ei.r_hi,
         -- Before first_day in its year: Jan .. the month before first_day's, then that month's days.
         CASE WHEN c.l_act THEN w.y0 * 100 + 1 ELSE 1 END,
         CASE WHEN c.l_act THEN w.y0 * 100 + extract(month FROM w.d0)::int - 1 ELSE 0 END,
         -- After last_day in its year: the month after last_day's .. Dec, and last_day's month's rest.
         CASE WHEN c.r_act THEN w.y1 * 100 + extract(month FROM w.d1)::int + 1 ELSE 1 END,
         CASE WHEN c.r_act THEN w.y1 * 100 + 12 ELSE 0 END,
         CASE WHEN c.l_act THEN dashboard.day_key(make_date(w.y0, extract(month FROM w.d0)::int, 1)) ELSE 1 END,
         CASE WHEN c.l_act THEN dashboard.day_key(w.d0 - 1) ELSE 0 END,
         CASE WHEN c.r_act THEN dashboard.day_key(w.d1 + 1) ELSE 1 END,
         CASE WHEN c.r_act THEN dashboard.day_key(s.d1_month_end) ELSE 0 END,
         CASE WHEN c.l_act THEN dashboard.day_key(make_date(w.y0, 1, 1)) ELSE 1 END,
         CASE WHEN c.l_act THEN dashboard.day_key(w.d0 - 1) ELSE 0 END,
         CASE WHEN c.r_act THEN dashboard.day_key(w.d1 + 1) ELSE 1 END,
         CASE WHEN c.r_act THEN dashboard.day_key(make_date(w.y1, 12, 31)) ELSE 0 END
    FROM (SELECT r.d0, r.d1,
                 extract(year FROM r.d0)::int AS y0, extract(year FROM r.d1)::int AS y1,
                 extract(year FROM r.d0 - 1)::int + 1 AS wy_lo, extract(year FROM r.d1 + 1)::int - 1 AS wy_hi,
                 extract(year FROM r.d0) = extract(year FROM r.d1) AS same
            FROM (SELECT coalesce(first_day, date '1000-01-01') AS d0, coalesce(last_day, date '9999-12-31') AS d1) AS r) AS w
   -- The partial years: s = [sa, sb] in first_day's year, e = [ea, eb] in last_day's; one range
   -- inside a single year is s alone.
   CROSS JOIN LATERAL (
     SELECT (extract(doy FROM w.d0) <> 1 OR (w.same AND extract(doy FROM w.d1 + 1) <> 1)) AS s_on,
            w.d0 AS sa,
            CASE WHEN w.same THEN w.d1 ELSE make_date(w.y0, 12, 31) END AS sb,
            (NOT w.same AND extract(doy FROM w.d1 + 1) <> 1) AS e_on,
            make_date(w.y1, 1, 1) AS ea,
            w.d1 AS eb,
            make_date(w.y1 + extract(month FROM w.d1)::int / 12, extract(month FROM w.d1)::int % 12 + 1, 1) - 1 AS d1_month_end
   ) AS s
   -- Read a partial year whole (and subtract) when that is cheaper: 32 + 13 per outside month + 1
   -- per outside edge day against 13 per inside month + 1 per inside edge day.
   CROSS JOIN LATERAL (
     SELECT s.s_on AND ps.cost_out < ps.cost_in AS s_comp,
            s.e_on AND pe.cost_out < pe.cost_in AS e_comp
       FROM (SELECT 13 * greatest(x.mi_lme - x.mi_fm + 1, 0) + (s.sb - s.sa + 1) - greatest(x.lme - x.fm + 1, 0) AS cost_in,
                    32 + 13 * (extract(month FROM s.sa)::int - 1 + 12 - extract(month FROM s.sb)::int)
                       + extract(day FROM s.sa)::int - 1 + (x.b_month_end - s.sb) AS cost_out
               FROM (SELECT f.fm, f.lme, f.b_month_end,
                            extract(year FROM f.fm)::int * 12 + extract(month FROM f.fm)::int AS mi_fm,
                            extract(year FROM f.lme)::int * 12 + extract(month FROM f.lme)::int AS mi_lme
                       FROM (SELECT CASE WHEN extract(day FROM s.sa) = 1 THEN s.sa
                                         ELSE make_date(extract(year FROM s.sa)::int + extract(month FROM s.sa)::int / 12, extract(month FROM s.sa)::int % 12 + 1, 1) END AS fm,
                                    CASE WHEN extract(day FROM s.sb + 1) = 1 THEN s.sb
                                         ELSE make_date(extract(year FROM s.sb)::int, extract(month FROM s.sb)::int, 1) - 1 END AS lme,
                                    make_date(extract(year FROM s.sb)::int + extract(month FROM s.sb)::int / 12, extract(month FROM s.sb)::int % 12 + 1, 1) - 1 AS b_month_end) AS f) AS x) AS ps,
            (SELECT 13 * greatest(x.mi_lme - x.mi_fm + 1, 0) + (s.eb - s.ea + 1) - greatest(x.lme - x.fm + 1, 0) AS cost_in,
                    32 + 13 * (12 - extract(month FROM s.eb)::int) + (s.d1_month_end - s.eb) AS cost_out
               FROM (SELECT f.fm, f.lme,
                            extract(year FROM f.fm)::int * 12 + extract(month FROM f.fm)::int AS mi_fm,
                            extract(year FROM f.lme)::int * 12 + extract(month FROM f.lme)::int AS mi_lme
                       FROM (SELECT s.ea AS fm,
                                    CASE WHEN extract(day FROM s.eb + 1) = 1 THEN s.eb
                                         ELSE make_date(extract(year FROM s.eb)::int, extract(month FROM s.eb)::int, 1) - 1 END AS lme) AS f) AS x) AS pe
   ) AS k
   CROSS JOIN LATERAL (
     SELECT k.s_comp AS l_act, k.e_comp OR (w.same AND k.s_comp) AS r_act
   ) AS c
   -- A partial year read from the inside: whole months [fm, lme], edge days before and after them
   -- (all its days as one edge when it holds no whole month), and all its days for payment filters.
   CROSS JOIN LATERAL (
     SELECT CASE WHEN x.act AND x.fm <= x.lme THEN extract(year FROM x.fm)::int * 100 + extract(month FROM x.fm)::int ELSE 1 END AS m_lo,
            CASE WHEN x.act AND x.fm <= x.lme THEN extract(year FROM x.lme)::int * 100 + extract(month FROM x.lme)::int ELSE 0 END AS m_hi,
            CASE WHEN x.act THEN dashboard.day_key(x.a) ELSE 1 END AS d1_lo,
            CASE WHEN NOT x.act THEN 0 WHEN x.fm <= x.lme THEN dashboard.day_key(x.fm - 1) ELSE dashboard.day_key(x.b) END AS d1_hi,
            CASE WHEN x.act AND x.fm <= x.lme THEN dashboard.day_key(x.lme + 1) ELSE 1 END AS d2_lo,
            CASE WHEN x.act AND x.fm <= x.lme THEN dashboard.day_key(x.b) ELSE 0 END AS d2_hi,
            CASE WHEN x.act THEN dashboard.day_key(x.a) ELSE 1 END AS r_lo,
            CASE WHEN x.act THEN dashboard.day_key(x.b) ELSE 0 END AS r_hi
       FROM (SELECT s.s_on AND NOT k.s_comp AS act, s.sa AS a, s.sb AS b,
                    CASE WHEN extract(day FROM s.sa) = 1 THEN s.sa
                         ELSE make_date(extract(year FROM s.sa)::int + extract(month FROM s.sa)::int / 12, extract(month FROM s.sa)::int % 12 + 1, 1) END AS fm,
                    CASE WHEN extract(day FROM s.sb + 1) = 1 THEN s.sb
                         ELSE make_date(extract(year FROM s.sb)::int, extract(month FROM s.sb)::int, 1) - 1 END AS lme) AS x
   ) AS si
   CROSS JOIN LATERAL (
     SELECT CASE WHEN x.act AND x.fm <= x.lme THEN extract(year FROM x.fm)::int * 100 + extract(month FROM x.fm)::int ELSE 1 END AS m_lo,
            CASE WHEN x.act AND x.fm <= x.lme THEN extract(year FROM x.lme)::int * 100 + extract(month FROM x.lme)::int ELSE 0 END AS m_hi,
            CASE WHEN x.act THEN dashboard.day_key(x.a) ELSE 1 END AS d1_lo,
            CASE WHEN NOT x.act THEN 0 WHEN x.fm <= x.lme THEN dashboard.day_key(x.fm - 1) ELSE dashboard.day_key(x.b) END AS d1_hi,
            CASE WHEN x.act AND x.fm <= x.lme THEN dashboard.day_key(x.lme + 1) ELSE 1 END AS d2_lo,
            CASE WHEN x.act AND x.fm <= x.lme THEN dashboard.day_key(x.b) ELSE 0 END AS d2_hi,
            CASE WHEN x.act THEN dashboard.day_key(x.a) ELSE 1 END AS r_lo,
            CASE WHEN x.act THEN dashboard.day_key(x.b) ELSE 0 END AS r_hi
       FROM (SELECT s.e_on AND NOT k.e_comp AS act, s.ea AS a, s.eb AS b,
                    s.ea AS fm,
                    CASE WHEN extract(day FROM s.eb + 1) = 1 THEN s.eb
                         ELSE make_date(extract(year FROM s.eb)::int, extract(month FROM s.eb)::int, 1) - 1 END AS lme) AS x
   ) AS ei
$$;

-- dashboard.customer_sales with the range read through range_net_parts: rows of the parts to
-- subtract come with negative transactions and cents. Only sums over a customer (or a customer
-- and place) mean anything, and a customer (or pair) bought in the selection exactly when its
-- summed transactions are above 0.
CREATE FUNCTION dashboard.customer_sales_net(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text,
                                             p_by_place boolean)
RETURNS TABLE (customer_no int, geo_id smallint, transactions int, revenue_cents bigint)
LANGUAGE sql STABLE AS $$
  SELECT y.customer_no, y.geo_id, y.transactions, y.revenue_cents
    FROM dashboard.customer_years y, dashboard.range_net_parts(p_from, p_to) p
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
  SELECT m.customer_no, m.geo_id,
         CASE WHEN m.month_key BETWEEN p.plus_months_s_lo AND p.plus_months_s_hi OR m.month_key BETWEEN p.plus_months_e_lo AND p.plus_months_e_hi
              THEN m.transactions ELSE -m.transactions END,
         CASE WHEN m.month_key BETWEEN p.plus_months_s_lo AND p.plus_months_s_hi OR m.month_key BETWEEN p.plus_months_e_lo AND p.plus_months_e_hi
              THEN m.revenue_cents ELSE -m.revenue_cents END
    FROM dashboard.customer_months m, dashboard.range_net_parts(p_from, p_to) p
   WHERE p_payment IS NULL
     AND m.category_id = (SELECT CASE WHEN p_category IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = p_category)
     AND (m.month_key BETWEEN p.plus_months_s_lo AND p.plus_months_s_hi OR m.month_key BETWEEN p.plus_months_e_lo AND p.plus_months_e_hi
       OR m.month_key BETWEEN p.minus_months_l_lo AND p.minus_months_l_hi OR m.month_key BETWEEN p.minus_months_r_lo AND p.minus_months_r_hi)
     AND ((p_country IS NULL AND p_state IS NULL)
        OR m.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
  UNION ALL
  SELECT d.customer_no, d.geo_id,
         CASE WHEN d.date_key BETWEEN p.minus_rest_l_lo AND p.minus_rest_l_hi OR d.date_key BETWEEN p.minus_rest_r_lo AND p.minus_rest_r_hi
              THEN -d.transactions ELSE d.transactions END,
         CASE WHEN d.date_key BETWEEN p.minus_rest_l_lo AND p.minus_rest_l_hi OR d.date_key BETWEEN p.minus_rest_r_lo AND p.minus_rest_r_hi
              THEN -d.revenue_cents ELSE d.revenue_cents END
    FROM dashboard.customer_days d, dashboard.range_net_parts(p_from, p_to) p
   WHERE d.category_id = (SELECT CASE WHEN p_category IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = p_category)
     AND CASE WHEN p_payment IS NULL
              THEN d.date_key BETWEEN p.plus_days_s1_lo AND p.plus_days_s1_hi OR d.date_key BETWEEN p.plus_days_s2_lo AND p.plus_days_s2_hi
                OR d.date_key BETWEEN p.plus_days_e1_lo AND p.plus_days_e1_hi OR d.date_key BETWEEN p.plus_days_e2_lo AND p.plus_days_e2_hi
                OR d.date_key BETWEEN p.minus_days_l_lo AND p.minus_days_l_hi OR d.date_key BETWEEN p.minus_days_r_lo AND p.minus_days_r_hi
              ELSE d.date_key BETWEEN p.plus_rest_s_lo AND p.plus_rest_s_hi OR d.date_key BETWEEN p.plus_rest_e_lo AND p.plus_rest_e_hi
                OR d.date_key BETWEEN p.minus_rest_l_lo AND p.minus_rest_l_hi OR d.date_key BETWEEN p.minus_rest_r_lo AND p.minus_rest_r_hi END
     AND ((p_country IS NULL AND p_state IS NULL)
        OR d.geo_id IN (SELECT geo_id FROM dashboard.places WHERE (p_country IS NULL OR country = p_country) AND (p_state IS NULL OR state = p_state)))
     AND (p_payment IS NULL
        OR d.payment_method_key = (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = p_payment))
$$;

-- The same totals as before (0015), over customer_sales_net.
CREATE OR REPLACE FUNCTION dashboard.customer_totals(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text)
RETURNS TABLE (customer_no int, spent_cents numeric, orders bigint)
LANGUAGE sql STABLE AS $$
  SELECT s.customer_no, sum(s.revenue_cents), sum(s.transactions)
    FROM dashboard.customer_sales_net(p_from, p_to, p_category, p_country, p_state, p_payment, false) AS s
   GROUP BY s.customer_no
  HAVING sum(s.transactions) > 0
$$;

-- Down Migration
CREATE OR REPLACE FUNCTION dashboard.customer_totals(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text)
RETURNS TABLE (customer_no int, spent_cents numeric, orders bigint)
LANGUAGE sql STABLE AS $$
  SELECT s.customer_no, sum(s.revenue_cents), sum(s.transactions)
    FROM dashboard.customer_sales(p_from, p_to, p_category, p_country, p_state, p_payment, false) AS s
   GROUP BY s.customer_no
$$;
DROP FUNCTION dashboard.customer_sales_net(date, date, text, text, text, text, boolean);
DROP FUNCTION dashboard.range_net_parts(date, date);
DROP FUNCTION dashboard.day_key(date);
