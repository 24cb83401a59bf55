-- Deletes the day summaries of the touched days (DELETE keeps readers on the previous rows until
-- commit, see refresh_clear.sql) and notes whose coarser summaries they fed.
WITH days AS (
  SELECT date_key FROM pg_temp.dashboard_touched_days
),
sales_cells AS (
  DELETE FROM dashboard.sales_cells s USING days d WHERE s.date_key = d.date_key
),
discount_cells AS (
  DELETE FROM dashboard.discount_cells s USING days d WHERE s.date_key = d.date_key
),
customer_days AS (
  DELETE FROM dashboard.customer_days c USING days d WHERE c.date_key = d.date_key RETURNING c.customer_no
),
product_days AS (
  DELETE FROM dashboard.product_days p USING days d WHERE p.date_key = d.date_key RETURNING p.date_key / 100 AS month_key, p.product_no
)
INSERT INTO pg_temp.dashboard_touched (customer_no, month_key, product_no)
SELECT DISTINCT customer_no, NULL::integer, NULL::integer FROM customer_days
UNION ALL
SELECT DISTINCT NULL::integer, month_key, product_no FROM product_days
