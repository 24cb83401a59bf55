-- agg_product_performance: per product version (the key facts carry), recomputed from fact_sales
-- for the product versions this load touched (pg_temp.warehouse_touched), or for all when $1
-- (rebuild) is true, so the table always equals a full recompute.
--   total_transactions = distinct transactions containing the product;
--   avg_discount_percentage = mean discount percentage over its order lines.
-- Unchanged rows are not rewritten; a version left without facts loses its row.
WITH touched AS (
  SELECT DISTINCT product_key FROM pg_temp.warehouse_touched WHERE product_key IS NOT NULL
),
per_day AS (
  -- A transaction has one date, so its distinct count per product is the sum of the per-day
  -- distinct counts: grouped by the partition key too, every month's facts are sorted on their
  -- own, in memory (enable_partitionwise_aggregate, partitionwise_aggregate.sql). One sort of all 2.5M
  -- facts of a 1M-order load spilled to disk, or the planner walked the product_key index over
  -- the whole heap: 15-20 s against ~5 s.
  SELECT f.product_key, f.date_key,
         sum(f.quantity) AS quantity,
         count(DISTINCT f.transaction_id) AS transactions,
         sum(f.line_total) AS revenue,
         sum(f.profit) AS profit,
         sum(f.discount_percentage) AS discount_percentage,
         count(*) AS lines
    FROM warehouse.fact_sales f
   -- = ANY of an array, not IN: the keys become an index condition (and, for date_key, prune
   -- partitions at run time) instead of a hashed filter over every partition's facts.
   WHERE $1::boolean OR f.product_key = ANY (ARRAY(SELECT product_key FROM touched))
   GROUP BY f.product_key, f.date_key
),
fresh AS (
  -- sum / count is what avg() computes (numeric_avg divides with numeric_div as well).
  SELECT product_key,
         sum(quantity)::bigint AS total_quantity_sold,
         sum(transactions)::int AS total_transactions,
         sum(revenue) AS total_revenue,
         coalesce(sum(profit), 0) AS total_profit,
         round(sum(discount_percentage) / sum(lines), 2) AS avg_discount_percentage
    FROM per_day
   GROUP BY product_key
),
emptied AS (
  DELETE FROM warehouse.agg_product_performance a
   WHERE ($1::boolean OR a.product_key IN (SELECT product_key FROM touched))
     AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.product_key = a.product_key)
)
INSERT INTO warehouse.agg_product_performance AS a
  (product_key, total_quantity_sold, total_transactions, total_revenue, total_profit, avg_discount_percentage)
SELECT product_key, total_quantity_sold, total_transactions, total_revenue, total_profit, avg_discount_percentage
  FROM fresh
 ORDER BY product_key
ON CONFLICT (product_key) DO UPDATE
   SET total_quantity_sold = EXCLUDED.total_quantity_sold,
       total_transactions = EXCLUDED.total_transactions,
       total_revenue = EXCLUDED.total_revenue,
       total_profit = EXCLUDED.total_profit,
       avg_discount_percentage = EXCLUDED.avg_discount_percentage
 WHERE (a.total_quantity_sold, a.total_transactions, a.total_revenue, a.total_profit, a.avg_discount_percentage)
       IS DISTINCT FROM
       (EXCLUDED.total_quantity_sold, EXCLUDED.total_transactions, EXCLUDED.total_revenue, EXCLUDED.total_profit,
        EXCLUDED.avg_discount_percentage)
