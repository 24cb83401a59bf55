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
  calendar_days AS (
    SELECT
      c.day_of_week,
      c.day_of_week >= 6 AS is_weekend,
      coalesce(s.orders, 0) AS orders,
      coalesce(s.revenue, 0) AS revenue,
      s.day IS NOT NULL AS had_sales
    FROM
      calendar c
      LEFT JOIN daily_sales s ON s.day = c.day
  )
SELECT
  CASE
    WHEN grouping(c.day_of_week) = 0 THEN (ARRAY['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) [c.day_of_week]
    WHEN c.is_weekend THEN 'Weekend'
    ELSE 'Weekday'
  END AS period,
  CASE
    WHEN grouping(c.day_of_week) = 0 THEN 'day'
    ELSE 'day_type'
  END AS period_type,
  c.day_of_week,
  c.is_weekend,
  count(*) AS calendar_days,
  count(*) FILTER (
    WHERE
      c.had_sales
  ) AS days_with_sales,
  sum(c.orders) AS orders,
  sum(c.revenue) AS revenue,
  round(sum(c.orders)::numeric / count(*), 2) AS avg_orders_per_day,
  round(sum(c.revenue) / count(*), 2) AS avg_revenue_per_day,
  round(sum(c.revenue) / nullif(sum(c.orders), 0), 2) AS avg_order_value
FROM
  calendar_days c
GROUP BY
  GROUPING SETS ((c.day_of_week, c.is_weekend), (c.is_weekend))
ORDER BY
  grouping(c.day_of_week),
  c.day_of_week,
  c.is_weekend
