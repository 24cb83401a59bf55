-- agg_product_performance: per product version (the key facts carry), recomputed from fact_sales
-- for the product versions this load touched (pg_temp.warehouse_touched), or for all when $1
-- (rebuild) is true, so the table always equals a full recompute.
--   total_transactions = distinct transactions containing the product;
--   avg_discount_percentage = mean discount percentage over its order lines.
-- Unchanged rows are not rewritten; a version left without facts loses its row.
WITH touched AS (
  SELECT DISTINCT product_key FROM pg_temp.warehouse_touched WHERE product_key IS NOT NULL
),
fresh AS (
  SELECT f.product_key,
         sum(f.quantity)::bigint AS total_quantity_sold,
         count(DISTINCT f.transaction_id)::int AS total_transactions,
         sum(f.line_total) AS total_revenue,
         coalesce(sum(f.profit), 0) AS total_profit,
         round(avg(f.discount_percentage), 2) AS avg_discount_percentage
    FROM warehouse.fact_sales f
   WHERE $1::boolean OR f.product_key IN (SELECT product_key FROM touched)
   GROUP BY f.product_key
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
