-- dim_date: one row per calendar day, kept contiguous from the earliest to the latest sale date
-- the warehouse has seen (per-weekday averages divide by the number of such days, so gaps would
-- skew them). Extended from the lines this load reads (their dates in
-- sales_lines_summary.sql); existing days are never touched.
WITH
  load_days AS (
    SELECT
      min(first_day) AS first_day,
      max(last_day) AS last_day
    FROM
      pg_temp.warehouse_sales_lines_summary
  ),
  known_days AS (
    SELECT
      min(full_date) AS first_day,
      max(full_date) AS last_day
    FROM
      warehouse.dim_date
  ),
  span AS (
    -- least/greatest ignore NULLs: an empty warehouse or an empty load leaves the other's bounds.
    SELECT
      least(l.first_day, k.first_day) AS first_day,
      greatest(l.last_day, k.last_day) AS last_day
    FROM
      load_days l
      CROSS JOIN known_days k
    WHERE
      l.first_day IS NOT NULL
  ),
  days AS (
    SELECT
      g.day::date AS day
    FROM
      span,
      generate_series(span.first_day, span.last_day, interval '1 day') AS g (day)
  )
INSERT INTO
  warehouse.dim_date (
    date_key,
    full_date,
    year,
    quarter,
    month,
    day,
    month_name,
    day_name,
    day_of_week,
    week_of_year,
    is_weekend
  )
SELECT
  to_char(day, 'YYYYMMDD')::int,
  day,
  extract(
    year
    FROM
      day
  )::smallint,
  extract(
    quarter
    FROM
      day
  )::smallint,
  extract(
    month
    FROM
      day
  )::smallint,
  extract(
    day
    FROM
      day
  )::smallint,
  to_char(day, 'FMMonth'),
  to_char(day, 'FMDay'),
  extract(
    isodow
    FROM
      day
  )::smallint,
  extract(
    week
    FROM
      day
  )::smallint,
  extract(
    isodow
    FROM
      day
  ) IN (6, 7)
FROM
  days
ON CONFLICT (date_key) DO NOTHING
