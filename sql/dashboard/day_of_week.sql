-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Per ISO weekday: revenue and orders divided by the number of calendar days of that weekday in
-- the range (days without sales included), so five Mondays and four Sundays compare fairly. The
-- range is the selected dates, or the warehouse's sales span. Empty when nothing sold.
WITH span AS (
  SELECT coalesce($1::date, to_date(min(s.date_key)::text, 'YYYYMMDD')) AS first_day,
         coalesce($2::date, to_date(max(s.date_key)::text, 'YYYYMMDD')) AS last_day
    FROM dashboard.sales_cells s
   WHERE s.category_id = 0
),
calendar AS (
  SELECT extract(isodow FROM g.day)::int AS day_of_week, count(*) AS calendar_days
    FROM span
   CROSS JOIN generate_series(span.first_day, span.last_day, interval '1 day') AS g(day)
   GROUP BY 1
),
sales AS (
  SELECT d.day_of_week, sum(s.transactions) AS orders, sum(s.revenue_cents) / 100.0 AS revenue
    FROM dashboard.sales_cells s
    JOIN warehouse.dim_date d ON d.date_key = s.date_key
   WHERE s.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND s.date_key BETWEEN coalesce(to_char($1::date, 'YYYYMMDD')::int, 0) AND coalesce(to_char($2::date, 'YYYYMMDD')::int, 99999999)
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR s.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
     AND ($6::text IS NULL
        OR s.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6))
   GROUP BY d.day_of_week
)
SELECT c.day_of_week,
       (ARRAY['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])[c.day_of_week] AS day_name,
       c.calendar_days,
       coalesce(s.orders, 0) AS orders,
       round(coalesce(s.revenue, 0), 2) AS revenue,
       round(coalesce(s.orders, 0)::numeric / c.calendar_days, 2) AS avg_orders_per_day,
       round(coalesce(s.revenue, 0) / c.calendar_days, 2) AS avg_revenue_per_day
  FROM calendar c
  LEFT JOIN sales s ON s.day_of_week = c.day_of_week
 WHERE EXISTS (SELECT 1 FROM sales)
 ORDER BY c.day_of_week
