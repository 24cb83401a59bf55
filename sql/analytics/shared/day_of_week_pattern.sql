-- The rest of day_of_week_pattern.sql and from_summaries/day_of_week_pattern.sql, written once
-- (spliced in where they name this file): the calendar days of each weekday and day type and
-- the means over them, from the CTEs calendar (day, day_of_week) and daily_sales (day, orders,
-- revenue) each of them reads from its own source.
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
