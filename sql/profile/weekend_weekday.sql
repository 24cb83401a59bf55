-- Revenue per weekend calendar day over revenue per weekday calendar day, across the span of the
-- run's order dates (docs/contract.md section 4: days without orders count too). $1 run id.
-- Reads the run's typed tables (values trimmed, blank NULL, parsed once; libs/pipeline typed-tables.ts):
-- {{customers}}, {{products}}, {{transactions}}, {{transaction_items}}, each of the run only.
-- Orders are summed per day first (a year is a few hundred rows), so the calendar is joined to
-- those sums: joined to every order, the distinct count of days sorted all 1M orders.
WITH
  orders AS (
    SELECT
      transaction_date__date AS day,
      sum(total_amount__numeric) AS revenue
    FROM
      {{transactions}}
    WHERE
      $1::text IS NOT NULL
      AND transaction_date__date IS NOT NULL
    GROUP BY
      1
  ),
  days AS (
    SELECT
      d::date AS day,
      extract(
        isodow
        FROM
          d
      ) >= 6 AS weekend
    FROM
      (
        SELECT
          min(day) AS first_day,
          max(day) AS last_day
        FROM
          orders
      ) span,
      generate_series(span.first_day, span.last_day, interval '1 day') AS d
  ),
  per_kind AS (
    SELECT
      days.weekend,
      count(*) AS calendar_days,
      coalesce(sum(orders.revenue), 0) AS revenue
    FROM
      days
      LEFT JOIN orders ON orders.day = days.day
    GROUP BY
      days.weekend
  )
SELECT
  round((we.revenue / we.calendar_days) / nullif(wd.revenue / wd.calendar_days, 0), 4) AS weekend_weekday_ratio
FROM
  per_kind we,
  per_kind wd
WHERE
  we.weekend
  AND NOT wd.weekend
