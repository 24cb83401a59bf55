-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- The four KPI tiles for the selected period and for the period of equal length just before it.
-- Without dates the period is the warehouse's whole span of sales and returns (so nothing
-- precedes it).
-- revenue is gross (the sales); returns_amount the returns of the period (negative: credit notes),
-- net_revenue = revenue + returns_amount. avg_order_value = revenue / distinct transactions and
-- profit_margin_pct = profit / revenue stay on the sales. A return has no payment method: under a
-- payment filter returns_amount and net_revenue are NULL (unknown), not the unfiltered returns.
WITH
  span AS (
    SELECT
      coalesce(
        $1::date,
        to_date(
          least(
            min(s.date_key),
            (
              SELECT
                min(r.date_key)
              FROM
                dashboard.return_days r
            )
          )::text,
          'YYYYMMDD'
        )
      ) AS first_day,
      coalesce(
        $2::date,
        to_date(
          greatest(
            max(s.date_key),
            (
              SELECT
                max(r.date_key)
              FROM
                dashboard.return_days r
            )
          )::text,
          'YYYYMMDD'
        )
      ) AS last_day
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
  returns AS (
    SELECT
      p.period,
      coalesce(sum(r.returns_cents), 0) / 100.0 AS returns_amount
    FROM
      periods p
      LEFT JOIN LATERAL dashboard.return_days_in (p.first_day, p.last_day, $3::text, $4::text, $5::text) r ON true
    WHERE
      $6::text IS NULL
    GROUP BY
      p.period
  ),
  metrics AS (
    SELECT
      t.period,
      m.metric_order,
      m.metric,
      m.value
    FROM
      totals t
      LEFT JOIN returns r ON r.period = t.period
      CROSS JOIN LATERAL (
        VALUES
          (1, 'revenue', round(t.revenue, 2)),
          (2, 'returns_amount', round(r.returns_amount, 2)),
          (3, 'net_revenue', round(t.revenue + r.returns_amount, 2)),
          (4, 'transactions', t.transactions::numeric),
          (5, 'avg_order_value', round(t.revenue / nullif(t.transactions, 0), 2)),
          (6, 'profit_margin_pct', round(100 * t.profit / nullif(t.revenue, 0), 2))
      ) AS m (metric_order, metric, value)
  )
SELECT
  c.metric,
  c.value AS current_value,
  p.value AS previous_value,
  -- Over the previous value's size: the sign says whether the value went up or down, also for
  -- returns (negative) and a net below zero.
  round(100 * (c.value - p.value) / nullif(abs(p.value), 0), 2) AS change_pct,
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
