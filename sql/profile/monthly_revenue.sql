-- Orders and revenue per month of a run's landed orders; index = the month's revenue over the
-- average month's (1 = average), and the month's share of discounted order lines. $1 run id.
WITH orders AS (
  SELECT transaction_id,
         date_trunc('month', ops.safe_date(transaction_date))::date AS month,
         ops.safe_numeric(total_amount) AS revenue
    FROM staging.transactions
   WHERE run_id = $1
), months AS (
  SELECT month, count(*) AS orders, coalesce(sum(revenue), 0) AS revenue
    FROM orders
   WHERE month IS NOT NULL
   GROUP BY month
), lines AS (
  SELECT o.month,
         count(*) AS lines,
         count(*) FILTER (WHERE ops.safe_numeric(i.discount_percentage) > 0) AS discounted
    FROM staging.transaction_items i
    JOIN orders o ON o.transaction_id = i.transaction_id
   WHERE i.run_id = $1
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
