-- Orders and revenue per month of a run's landed orders; index = the month's revenue over the
-- average month's (1 = average), and the month's share of discounted order lines. $1 run id.
-- Reads the run's typed tables (values trimmed, blank NULL, parsed once; libs/pipeline typed-tables.ts):
-- {{customers}}, {{products}}, {{transactions}}, {{transaction_items}}, each of the run only.
-- Orders and lines are counted per day first, then per month: date_trunc on a date (through
-- timestamptz) per row cost more than the grouping. Both parts read the typed orders table itself,
-- not a shared CTE: a CTE read twice is stored (1M rows spilled to disk), and without statistics on
-- its columns the planner hashed the 2.5M order lines (spilling) rather than the 1M orders.
WITH
  order_days AS (
    SELECT
      transaction_date__date AS day,
      count(*) AS orders,
      sum(total_amount__numeric) AS revenue
    FROM
      {{transactions}}
    WHERE
      $1::text IS NOT NULL
      AND transaction_date__date IS NOT NULL
    GROUP BY
      1
  ),
  line_days AS (
    SELECT
      o.transaction_date__date AS day,
      count(*) AS lines,
      count(*) FILTER (
        WHERE
          i.discount_percentage__numeric > 0
      ) AS discounted
    FROM
      {{transaction_items}} i
      JOIN {{transactions}} o ON o.transaction_id = i.transaction_id
    WHERE
      o.transaction_date__date IS NOT NULL
    GROUP BY
      1
  ),
  months AS (
    SELECT
      date_trunc('month', day)::date AS month,
      sum(orders)::bigint AS orders,
      coalesce(sum(revenue), 0) AS revenue
    FROM
      order_days
    GROUP BY
      1
  ),
  lines AS (
    SELECT
      date_trunc('month', day)::date AS month,
      sum(lines)::bigint AS lines,
      sum(discounted)::bigint AS discounted
    FROM
      line_days
    GROUP BY
      1
  )
SELECT
  to_char(m.month, 'YYYY-MM') AS month,
  m.orders,
  round(m.revenue, 2) AS revenue,
  round(m.revenue / nullif(avg(m.revenue) OVER (), 0), 4) AS index,
  round(coalesce(l.discounted::numeric / nullif(l.lines, 0), 0), 4) AS discounted_line_share
FROM
  months m
  LEFT JOIN lines l ON l.month = m.month
ORDER BY
  m.month
