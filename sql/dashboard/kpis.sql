-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- The four KPI tiles for the selected period and for the period of equal length just before it.
-- Without dates the period is the warehouse's whole sales span (so nothing precedes it).
-- avg_order_value = revenue / distinct transactions; profit_margin_pct = profit / revenue.
WITH
  span AS (
    SELECT
      coalesce($1::date, to_date(min(s.date_key)::text, 'YYYYMMDD')) AS first_day,
      coalesce($2::date, to_date(max(s.date_key)::text, 'YYYYMMDD')) AS last_day
    FROM
      dashboard.sales_cells s
    WHERE
      s.category_id = 0
  ),
  periods AS (
    SELECT
      'current' AS period,
      first_day,
      last_day
    FROM
      span
    UNION ALL
    SELECT
      'previous',
      first_day - (last_day - first_day + 1),
      first_day - 1
    FROM
      span
  ),
  totals AS (
    SELECT
      p.period,
      p.first_day,
      p.last_day,
      coalesce(sum(s.revenue_cents), 0) / 100.0 AS revenue,
      coalesce(sum(s.profit_cents), 0) / 100.0 AS profit,
      coalesce(sum(s.transactions), 0) AS transactions
    FROM
      periods p
      LEFT JOIN dashboard.sales_cells s ON s.date_key BETWEEN to_char(p.first_day, 'YYYYMMDD')::int AND to_char(p.last_day, 'YYYYMMDD')::int
      AND s.category_id = (
        SELECT
          CASE
            WHEN $3::text IS NULL THEN 0
            ELSE coalesce(max(category_id), -1)
          END
        FROM
          dashboard.categories
        WHERE
          category = $3
      )
      AND (
        (
          $4::text IS NULL
          AND $5::text IS NULL
        )
        OR s.geo_id IN (
          SELECT
            geo_id
          FROM
            dashboard.places
          WHERE
            (
              $4::text IS NULL
              OR country = $4
            )
            AND (
              $5::text IS NULL
              OR state = $5
            )
        )
      )
      AND (
        $6::text IS NULL
        OR s.payment_method_key IN (
          SELECT
            payment_method_key
          FROM
            warehouse.dim_payment_method
          WHERE
            payment_method_name = $6
        )
      )
    GROUP BY
      p.period,
      p.first_day,
      p.last_day
  ),
  metrics AS (
    SELECT
      t.period,
      m.metric_order,
      m.metric,
      m.value
    FROM
      totals t
      CROSS JOIN LATERAL (
        VALUES
          (1, 'revenue', round(t.revenue, 2)),
          (2, 'transactions', t.transactions::numeric),
          (3, 'avg_order_value', round(t.revenue / nullif(t.transactions, 0), 2)),
          (4, 'profit_margin_pct', round(100 * t.profit / nullif(t.revenue, 0), 2))
      ) AS m (metric_order, metric, value)
  )
SELECT
  c.metric,
  c.value AS current_value,
  p.value AS previous_value,
  round(100 * (c.value - p.value) / nullif(p.value, 0), 2) AS change_pct,
  (
    SELECT
      first_day
    FROM
      periods
    WHERE
      period = 'current'
  )::text AS current_from,
  (
    SELECT
      last_day
    FROM
      periods
    WHERE
      period = 'current'
  )::text AS current_to,
  (
    SELECT
      first_day
    FROM
      periods
    WHERE
      period = 'previous'
  )::text AS previous_from,
  (
    SELECT
      last_day
    FROM
      periods
    WHERE
      period = 'previous'
  )::text AS previous_to
FROM
  metrics c
  JOIN metrics p ON p.metric = c.metric
  AND p.period = 'previous'
WHERE
  c.period = 'current'
ORDER BY
  c.metric_order
