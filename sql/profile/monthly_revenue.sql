-- Orders and revenue per month of a run's landed orders; index = the month's revenue over the
-- average month's (1 = average), and the month's share of discounted order lines. $1 run id.
-- Reads the run's typed tables (values trimmed, blank NULL, parsed once; libs/pipeline typed-tables.ts):
-- {{customers}}, {{products}}, {{transactions}}, {{transaction_items}}, each of the run only.
WITH orders AS (
  SELECT transaction_id,
         date_trunc('month', transaction_date__date)::date AS month,
         total_amount__numeric AS revenue
    FROM {{transactions}}
   WHERE $1::text IS NOT NULL
), months AS (
  SELECT month, count(*) AS orders, coalesce(sum(revenue), 0) AS revenue
    FROM orders
   WHERE month IS NOT NULL
   GROUP BY month
), lines AS (
  SELECT o.month,
         count(*) AS lines,
         count(*) FILTER (WHERE i.discount_percentage__numeric > 0) AS discounted
    FROM {{transaction_items}} i
    JOIN orders o ON o.transaction_id = i.transaction_id
   GROUP BY o.month
)
SELECT to_char(m.month, 'YYYY-MM') AS month,
       m.orders,
       round(m.revenue, 2) AS revenue,
       round(m.revenue / nullif(avg(m.revenue) OVER (), 0), 4) AS index,
       round(coalesce(l.discounted::numeric / nullif(l.lines, 0), 0), 4) AS discounted_line_share
  FROM months m
  LEFT JOIN lines l ON l.month = m.month
 ORDER BY m.month
