-- Orders, order lines, revenue, mean basket size (lines per order) and the share of orders placed
-- at night (00:00-05:59) of a run's landed orders. $1 run id.
WITH orders AS (
  SELECT ops.safe_time(transaction_time) AS placed_at, ops.safe_numeric(total_amount) AS revenue
    FROM staging.transactions
   WHERE run_id = $1
), lines AS (
  SELECT count(*) AS order_lines FROM staging.transaction_items WHERE run_id = $1
)
SELECT count(*) AS orders,
       (SELECT order_lines FROM lines) AS order_lines,
       round(coalesce(sum(revenue), 0), 2) AS revenue,
       round((SELECT order_lines FROM lines)::numeric / nullif(count(*), 0), 4) AS basket_size_mean,
       round(coalesce(count(*) FILTER (WHERE placed_at < time '06:00')::numeric / nullif(count(*), 0), 0), 4) AS night_order_share
  FROM orders
