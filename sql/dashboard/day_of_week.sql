-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Per ISO weekday: revenue and orders divided by the number of calendar days of that weekday in
-- the range (days without sales included), so five Mondays and four Sundays compare fairly. The
-- range is the selected dates, or the warehouse's sales span. Empty when nothing sold.
WITH
  calendar AS (
    SELECT
      day_of_week,
      calendar_days
    FROM
      dashboard.weekday_calendar ($1::date, $2::date)
  ),
  sales AS (
    SELECT
      day_of_week,
      orders,
      revenue
    FROM
      dashboard.weekday_sales ($1::date, $2::date, $3::text, $4::text, $5::text, $6::text)
  )
SELECT
  c.day_of_week,
  (ARRAY['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) [c.day_of_week] AS day_name,
  c.calendar_days,
  coalesce(s.orders, 0) AS orders,
  round(coalesce(s.revenue, 0), 2) AS revenue,
  round(coalesce(s.orders, 0)::numeric / c.calendar_days, 2) AS avg_orders_per_day,
  round(coalesce(s.revenue, 0) / c.calendar_days, 2) AS avg_revenue_per_day
FROM
  calendar c
  LEFT JOIN sales s ON s.day_of_week = c.day_of_week
WHERE
  EXISTS (
    SELECT
      1
    FROM
      sales
  )
ORDER BY
  c.day_of_week
