-- Per ISO weekday (period_type 'day'), then weekdays vs the weekend (period_type 'day_type'):
-- revenue and orders divided by the number of calendar days of that kind between the first and
-- the last sale date, days without sales included. Five Mondays and four Sundays in the range
-- then compare fairly, which a mean over days with sales does not.
-- From warehouse.agg_daily_sales (a row per day with facts: its distinct transactions and
-- revenue, kept equal to a full recompute of the facts by the warehouse stage), which where the
-- analyses read the summaries (analysis_source.sql) equals the dashboard's sales_cells for all
-- categories: 368 rows at 1M instead of 57k cells, and no summary read, so it runs beside the
-- summaries' refresh (BESIDE_REFRESH, analyses.service.ts).
WITH
  daily_sales AS (
    SELECT
      d.full_date AS day,
      a.total_transactions::bigint AS orders,
      a.total_revenue AS revenue
    FROM
      warehouse.agg_daily_sales a
      JOIN warehouse.dim_date d ON d.date_key = a.date_key
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
