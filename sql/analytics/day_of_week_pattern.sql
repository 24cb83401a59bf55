-- Per ISO weekday (period_type 'day'), then weekdays vs the weekend (period_type 'day_type'):
-- revenue and orders divided by the number of calendar days of that kind between the first and
-- the last sale date, days without sales included. Five Mondays and four Sundays in the range
-- then compare fairly, which a mean over days with sales does not.
-- Revenue per day and method (analysis_sums.sql), orders per customer version, day and method
-- (analysis_orders.sql).
WITH
  day_sales AS (
    SELECT
      s.date_key,
      d.full_date AS day,
      sum(s.revenue) AS revenue
    FROM
      pg_temp.analysis_sums s
      JOIN warehouse.dim_date d ON d.date_key = s.date_key
    WHERE
      s.kind = 'day'
    GROUP BY
      s.date_key,
      d.full_date
  ),
  day_orders AS (
    SELECT
      o.date_key,
      sum(o.orders)::bigint AS orders
    FROM
      pg_temp.analysis_orders o
    WHERE
      o.kind = 'order'
    GROUP BY
      o.date_key
  ),
  span AS (
    SELECT
      min(s.day) AS first_day,
      max(s.day) AS last_day
    FROM
      day_sales s
  ),
  calendar AS (
    SELECT
      g.day::date AS day,
      extract(
        isodow
        FROM
          g.day
      )::int AS day_of_week
    FROM
      span
      CROSS JOIN generate_series(span.first_day, span.last_day, interval '1 day') AS g (day)
  ),
  daily_sales AS (
    SELECT
      s.day,
      o.orders,
      s.revenue
    FROM
      day_sales s
      JOIN day_orders o ON o.date_key = s.date_key
  ),
  -- The means per weekday and day type (shared/day_of_week_pattern.sql).
  {{day_of_week_pattern}}
