-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Weekdays against the weekend: revenue and orders per calendar day of each kind in the range
-- (days without sales included). Empty when nothing sold.
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
  CASE
    WHEN c.day_of_week >= 6 THEN 'Weekend'
    ELSE 'Weekday'
  END AS day_type,
  sum(c.calendar_days) AS calendar_days,
  coalesce(sum(s.orders), 0) AS orders,
  round(coalesce(sum(s.revenue), 0), 2) AS revenue,
  round(coalesce(sum(s.orders), 0)::numeric / sum(c.calendar_days), 2) AS avg_orders_per_day,
  round(coalesce(sum(s.revenue), 0) / sum(c.calendar_days), 2) AS avg_revenue_per_day
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
GROUP BY
  1
ORDER BY
  1
