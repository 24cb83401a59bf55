-- Deletes the coarser summaries of the touched customers, months and (month or year, product)
-- pairs, which refresh_*_touched.sql then rebuild from the day summaries.
WITH customers AS (
  SELECT DISTINCT customer_no FROM pg_temp.dashboard_touched WHERE customer_no IS NOT NULL
),
product_months AS (
  SELECT DISTINCT month_key, product_no FROM pg_temp.dashboard_touched WHERE product_no IS NOT NULL
),
customer_firsts AS (
  DELETE FROM dashboard.customer_firsts c USING customers t WHERE c.customer_no = t.customer_no
),
customer_months AS (
  DELETE FROM dashboard.customer_months c USING customers t WHERE c.customer_no = t.customer_no
),
customer_years AS (
  DELETE FROM dashboard.customer_years c USING customers t WHERE c.customer_no = t.customer_no
),
sales_months AS (
  DELETE FROM dashboard.sales_months s
   WHERE s.month_key IN (SELECT DISTINCT date_key / 100 FROM pg_temp.dashboard_touched_days)
),
product_month_rows AS (
  DELETE FROM dashboard.product_months p USING product_months t
   WHERE p.month_key = t.month_key AND p.product_no = t.product_no
),
product_year_rows AS (
  DELETE FROM dashboard.product_years p
   WHERE (p.year, p.product_no) IN (SELECT DISTINCT month_key / 100, product_no FROM product_months)
)
SELECT 1
