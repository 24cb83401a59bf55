-- Per ISO weekday (period_type 'day'), then weekdays vs the weekend (period_type 'day_type'):
-- revenue and orders divided by the number of calendar days of that kind between the first and
-- the last sale date, days without sales included. Five Mondays and four Sundays in the range
-- then compare fairly, which a mean over days with sales does not.
-- From the dashboard's sales_cells for all categories (see analysis_source.sql).
WITH
  daily_sales AS (
    SELECT
      d.full_date AS day,
      sum(s.transactions)::bigint AS orders,
      round(ops.sum_bigint (s.revenue_cents) / 100.0, 2) AS revenue
    FROM
      dashboard.sales_cells s
      JOIN warehouse.dim_date d ON d.date_key = s.date_key
    WHERE
      s.category_id = 0
    GROUP BY
      d.full_date
  ),
  span AS (
    SELECT
      min(s.day) AS first_day,
      max(s.day) AS last_day
    FROM
      daily_sales s
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
  -- The means per weekday and day type (shared/day_of_week_pattern.sql).
  {{day_of_week_pattern}}
