-- Buyers of a run's landed orders: how many, how many came back, and the revenue share of the
-- top 20% of buyers by revenue (heavy buyers). $1 run id.
WITH spend AS (
  SELECT customer_id, count(*) AS orders, coalesce(sum(ops.safe_numeric(total_amount)), 0) AS revenue
    FROM staging.transactions
   WHERE run_id = $1 AND customer_id IS NOT NULL
   GROUP BY customer_id
), ranked AS (
  SELECT orders, revenue,
         row_number() OVER (ORDER BY revenue DESC, customer_id) AS rank,
         count(*) OVER () AS buyers
    FROM spend
)
SELECT count(*) AS buyers,
       count(*) FILTER (WHERE orders > 1) AS repeat_buyers,
       count(*) FILTER (WHERE orders = 1) AS one_time_buyers,
       round(sum(revenue) FILTER (WHERE rank <= ceil(buyers * 0.2)) / nullif(sum(revenue), 0), 4) AS top_customer_revenue_share
  FROM ranked
