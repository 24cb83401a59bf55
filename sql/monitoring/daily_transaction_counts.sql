-- Transactions per day for the newest day of sales in the warehouse and the $1 days before it;
-- a day without sales counts 0.
WITH
  latest AS (
    SELECT
      max(d.full_date) AS day
    FROM
      warehouse.agg_daily_sales a
      JOIN warehouse.dim_date d USING (date_key)
  )
SELECT
  c.day::date AS day,
  coalesce(a.total_transactions, 0)::int AS transactions
FROM
  latest
  CROSS JOIN LATERAL generate_series(latest.day - $1::int, latest.day, interval '1 day') AS c (day)
  LEFT JOIN warehouse.dim_date d ON d.full_date = c.day::date
  LEFT JOIN warehouse.agg_daily_sales a ON a.date_key = d.date_key
WHERE
  latest.day IS NOT NULL
ORDER BY
  c.day
