-- agg_daily_sales: per day, recomputed from fact_sales for the days this load touched
-- (pg_temp.warehouse_touched), or for every day when $1 (rebuild) is true, so the table always
-- equals a full recompute.
--   total_transactions = distinct transactions; total_items = order lines;
--   unique_customers = distinct customer_id (facts parked on the unknown member still count as
--   the customers they are).
-- Unchanged days are not rewritten; a day left without facts loses its row.
WITH touched AS (
  SELECT DISTINCT date_key FROM pg_temp.warehouse_touched WHERE date_key IS NOT NULL
),
fresh AS (
  SELECT f.date_key,
         count(DISTINCT f.transaction_id)::int AS total_transactions,
         count(*)::int AS total_items,
         sum(f.line_total) AS total_revenue,
         coalesce(sum(f.profit), 0) AS total_profit,
         sum(f.discount_amount) AS total_discount,
         count(DISTINCT f.customer_id)::int AS unique_customers
    FROM warehouse.fact_sales f
   -- = ANY of an array, not IN: the keys become an index condition (and, for date_key, prune
   -- partitions at run time) instead of a hashed filter over every partition's facts.
   WHERE $1::boolean OR f.date_key = ANY (ARRAY(SELECT date_key FROM touched))
   GROUP BY f.date_key
),
emptied AS (
  DELETE FROM warehouse.agg_daily_sales a
   WHERE ($1::boolean OR a.date_key IN (SELECT date_key FROM touched))
     AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.date_key = a.date_key)
)
INSERT INTO warehouse.agg_daily_sales AS a
  (date_key, total_transactions, total_items, total_revenue, total_profit, total_discount, unique_customers)
SELECT date_key, total_transactions, total_items, total_revenue, total_profit, total_discount, unique_customers
  FROM fresh
 ORDER BY date_key
ON CONFLICT (date_key) DO UPDATE
   SET total_transactions = EXCLUDED.total_transactions,
       total_items = EXCLUDED.total_items,
       total_revenue = EXCLUDED.total_revenue,
       total_profit = EXCLUDED.total_profit,
       total_discount = EXCLUDED.total_discount,
       unique_customers = EXCLUDED.unique_customers
 WHERE (a.total_transactions, a.total_items, a.total_revenue, a.total_profit, a.total_discount, a.unique_customers)
       IS DISTINCT FROM
       (EXCLUDED.total_transactions, EXCLUDED.total_items, EXCLUDED.total_revenue, EXCLUDED.total_profit,
        EXCLUDED.total_discount, EXCLUDED.unique_customers)
