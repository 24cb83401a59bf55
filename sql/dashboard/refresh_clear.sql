-- A refresh rebuilds every summary from the warehouse inside the analytics stage's transaction.
-- DELETE, not TRUNCATE: TRUNCATE would lock the dashboard's readers out until the stage commits;
-- deleted rows stay visible to them until then, so they answer from the previous run meanwhile.
WITH categories AS (DELETE FROM dashboard.categories),
     places AS (DELETE FROM dashboard.places),
     products AS (DELETE FROM dashboard.products),
     customers AS (DELETE FROM dashboard.customers),
     sales_cells AS (DELETE FROM dashboard.sales_cells),
     customer_days AS (DELETE FROM dashboard.customer_days),
     product_days AS (DELETE FROM dashboard.product_days),
     discount_cells AS (DELETE FROM dashboard.discount_cells),
     customer_firsts AS (DELETE FROM dashboard.customer_firsts),
     customer_months AS (DELETE FROM dashboard.customer_months),
     customer_years AS (DELETE FROM dashboard.customer_years),
     sales_months AS (DELETE FROM dashboard.sales_months),
     product_months AS (DELETE FROM dashboard.product_months),
     product_years AS (DELETE FROM dashboard.product_years)
SELECT 1
