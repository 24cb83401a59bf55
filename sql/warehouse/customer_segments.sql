-- customer_segment, type 1: one value per customer_id, written on all of its versions, never a
-- reason to open a version. Recency, frequency and monetary value per customer_id come from
-- agg_customer_metrics (its versions summed), measured against the warehouse's latest sale date,
-- not the clock, so a rebuild computes the same segments as the loads it replaces:
--   'New'       no purchase yet, or a first purchase within the last 30 days
--   'At risk'   last purchase more than 90 days before the latest sale date
--   'VIP'       at least 2 orders and total spent in the top 10% of buying customers
--   'Regular'   every other buying customer
-- (first matching rule wins, in this order). Quantiles follow the data's scale. Every customer is
-- re-evaluated (the latest sale date and the quantiles move for everyone), but only rows whose
-- segment changed are written. The unknown member has no segment.
WITH per_customer AS (
  SELECT c.customer_id,
         sum(a.total_transactions) AS orders,
         sum(a.total_spent) AS spent,
         min(a.first_purchase_date) AS first_purchase_date,
         max(a.last_purchase_date) AS last_purchase_date
    FROM warehouse.agg_customer_metrics a
    JOIN warehouse.dim_customers c ON c.customer_key = a.customer_key
   WHERE c.customer_key <> -1
   GROUP BY c.customer_id
),
ranked AS (
  SELECT p.*,
         cume_dist() OVER (ORDER BY p.spent) AS spend_rank,
         max(p.last_purchase_date) OVER () AS latest_sale_date
    FROM per_customer p
),
segments AS (
  SELECT c.customer_key,
         CASE WHEN r.customer_id IS NULL THEN 'New'
              WHEN r.last_purchase_date < r.latest_sale_date - 90 THEN 'At risk'
              WHEN r.first_purchase_date > r.latest_sale_date - 30 THEN 'New'
              WHEN r.orders >= 2 AND r.spend_rank > 0.9 THEN 'VIP'
              ELSE 'Regular' END AS customer_segment
    FROM warehouse.dim_customers c
    LEFT JOIN ranked r ON r.customer_id = c.customer_id
   WHERE c.customer_key <> -1
)
UPDATE warehouse.dim_customers d
   SET customer_segment = s.customer_segment
  FROM segments s
 WHERE d.customer_key = s.customer_key
   AND d.customer_segment IS DISTINCT FROM s.customer_segment
