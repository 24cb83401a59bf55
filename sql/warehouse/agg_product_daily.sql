-- agg_product_daily: per product version and day, the partial sums agg_product_performance.sql
-- adds up (migration 0024), recomputed from fact_sales for the (product version, day) pairs this
-- load touched (pg_temp.warehouse_touched), or for all when $1 (rebuild, bulk load) is true, so the
-- table always equals a full recompute. A one-day delta recomputes about one day per product
-- instead of every fact of every product it sold (the whole table at 500 products).
-- Unchanged rows are not rewritten; a pair left without facts loses its row.
WITH touched AS (
  SELECT DISTINCT product_key, date_key
    FROM pg_temp.warehouse_touched
   WHERE NOT $1::boolean AND product_key IS NOT NULL AND date_key IS NOT NULL
),
fresh AS (
  -- Whole: grouped by date_key, fact_sales' partition key, each month is aggregated on its own
  -- (enable_partitionwise_aggregate, partitionwise_aggregate.sql), in memory.
  SELECT f.product_key, f.date_key,
         sum(f.quantity)::bigint AS quantity,
         count(DISTINCT f.transaction_id)::int AS transactions,
         sum(f.line_total) AS revenue,
         sum(f.profit) AS profit,
         sum(f.discount_percentage) AS discount_percentage_sum,
         count(*)::int AS lines
    FROM warehouse.fact_sales f
   WHERE $1::boolean
   GROUP BY f.product_key, f.date_key
  UNION ALL
  -- Touched: one probe per pair, its date pruning the partitions at run time (OFFSET 0 keeps the
  -- planner from flattening it into a join that hashes every partition).
  SELECT t.product_key, t.date_key, d.quantity, d.transactions, d.revenue, d.profit, d.discount_percentage_sum, d.lines
    FROM touched t
    CROSS JOIN LATERAL (
      SELECT sum(f.quantity)::bigint AS quantity,
             count(DISTINCT f.transaction_id)::int AS transactions,
             sum(f.line_total) AS revenue,
             sum(f.profit) AS profit,
             sum(f.discount_percentage) AS discount_percentage_sum,
             count(*)::int AS lines
        FROM warehouse.fact_sales f
       WHERE f.product_key = t.product_key AND f.date_key = t.date_key
      OFFSET 0
    ) d
   WHERE d.lines > 0
),
emptied AS (
  DELETE FROM warehouse.agg_product_daily a
   WHERE ($1::boolean OR (a.product_key, a.date_key) IN (SELECT product_key, date_key FROM touched))
     AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.product_key = a.product_key AND fresh.date_key = a.date_key)
)
INSERT INTO warehouse.agg_product_daily AS a
  (product_key, date_key, quantity, transactions, revenue, profit, discount_percentage_sum, lines)
SELECT product_key, date_key, quantity, transactions, revenue, profit, discount_percentage_sum, lines
  FROM fresh
 ORDER BY product_key, date_key
ON CONFLICT (product_key, date_key) DO UPDATE
   SET quantity = EXCLUDED.quantity,
       transactions = EXCLUDED.transactions,
       revenue = EXCLUDED.revenue,
       profit = EXCLUDED.profit,
       discount_percentage_sum = EXCLUDED.discount_percentage_sum,
       lines = EXCLUDED.lines
 WHERE (a.quantity, a.transactions, a.revenue, a.profit, a.discount_percentage_sum, a.lines)
       IS DISTINCT FROM
       (EXCLUDED.quantity, EXCLUDED.transactions, EXCLUDED.revenue, EXCLUDED.profit,
        EXCLUDED.discount_percentage_sum, EXCLUDED.lines)
