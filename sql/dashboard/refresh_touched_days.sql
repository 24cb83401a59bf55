-- The days whose summary rows a refresh after load $1 (NULL: no new load) rebuilds:
--   - days of facts the load wrote (fact_sales.sql stamps last_run_id only on a changed fact);
--   - days of the facts of a customer or product whose history the load changed, from the
--     earliest change it recorded on: re-pointing moves such facts between versions (place,
--     category) without stamping them, and versions before that date keep their key and range
--     (a change at E only splits, ends or merges away versions covering E and later);
--   - days whose fact count no longer matches the summaries': facts that moved to another day
--     or went away leave nothing behind to find them by.
-- A day listed needlessly costs time only; a day missed would leave a wrong summary.
CREATE TEMP TABLE dashboard_touched_days ON COMMIT DROP AS
SELECT f.date_key FROM warehouse.fact_sales f WHERE f.last_run_id = $1
UNION
SELECT f.date_key
  FROM warehouse.fact_sales f
  JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
  JOIN (SELECT customer_id, min(effective_date) AS since
          FROM warehouse.customer_changes WHERE run_id = $1 GROUP BY customer_id) AS ch
    ON ch.customer_id = c.customer_id AND f.date_key >= to_char(ch.since, 'YYYYMMDD')::integer
UNION
SELECT f.date_key
  FROM warehouse.fact_sales f
  JOIN warehouse.dim_products p ON p.product_key = f.product_key
  JOIN (SELECT product_id, min(effective_date) AS since
          FROM warehouse.product_changes WHERE run_id = $1 GROUP BY product_id) AS ch
    ON ch.product_id = p.product_id AND f.date_key >= to_char(ch.since, 'YYYYMMDD')::integer
UNION
SELECT coalesce(f.date_key, s.date_key)
  FROM (SELECT date_key, count(*) AS lines FROM warehouse.fact_sales GROUP BY date_key) AS f
  FULL JOIN (SELECT date_key, sum(lines) AS lines FROM dashboard.sales_cells WHERE category_id = 0 GROUP BY date_key) AS s
    ON s.date_key = f.date_key
 WHERE f.lines IS DISTINCT FROM s.lines
