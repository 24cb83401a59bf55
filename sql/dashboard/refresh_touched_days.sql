-- The days whose summary rows a refresh after load $1 (NULL: no new load) rebuilds:
--   - days of facts the load wrote (fact_sales.sql stamps last_run_id only on a changed fact);
--   - days of the facts of a customer or product whose history the load changed, from the
--     earliest change it recorded on: re-pointing moves such facts between versions (place,
--     category) without stamping them, and versions before that date keep their key and range
--     (a change at E only splits, ends or merges away versions covering E and later);
--   - days whose fact count no longer matches the summaries': facts that moved to another day
--     or went away leave nothing behind to find them by. The facts per day are read from
--     warehouse.agg_daily_sales (total_items), which the warehouse stage keeps equal to a full
--     recompute of fact_sales in the same transaction as the facts: a few hundred rows instead of
--     counting every fact (1.7 s at 1M).
-- A day listed needlessly costs time only; a day missed would leave a wrong summary.
CREATE TEMP TABLE dashboard_touched_days ON COMMIT DROP AS
SELECT f.date_key FROM warehouse.fact_sales f WHERE f.last_run_id = $1
UNION
-- LATERAL: per changed version, its facts from the change on through the customer (product)
-- index, the months before pruned (OFFSET 0 keeps it a nested loop; joined plainly, the planner
-- hashed every fact).
SELECT f.date_key
  FROM (SELECT customer_id, to_char(min(effective_date), 'YYYYMMDD')::integer AS since
          FROM warehouse.customer_changes WHERE run_id = $1 GROUP BY customer_id) AS ch
  JOIN warehouse.dim_customers c ON c.customer_id = ch.customer_id
 CROSS JOIN LATERAL (SELECT f.date_key FROM warehouse.fact_sales f
                      WHERE f.customer_key = c.customer_key AND f.date_key >= ch.since OFFSET 0) AS f
UNION
SELECT f.date_key
  FROM (SELECT product_id, to_char(min(effective_date), 'YYYYMMDD')::integer AS since
          FROM warehouse.product_changes WHERE run_id = $1 GROUP BY product_id) AS ch
  JOIN warehouse.dim_products p ON p.product_id = ch.product_id
 CROSS JOIN LATERAL (SELECT f.date_key FROM warehouse.fact_sales f
                      WHERE f.product_key = p.product_key AND f.date_key >= ch.since OFFSET 0) AS f
UNION
SELECT coalesce(f.date_key, s.date_key)
  FROM (SELECT date_key, total_items AS lines FROM warehouse.agg_daily_sales) AS f
  FULL JOIN (SELECT date_key, sum(lines) AS lines FROM dashboard.sales_cells WHERE category_id = 0 GROUP BY date_key) AS s
    ON s.date_key = f.date_key
 WHERE f.lines IS DISTINCT FROM s.lines
