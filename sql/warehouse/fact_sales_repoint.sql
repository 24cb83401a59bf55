-- Re-points existing facts after the SCD merge, so each still names the version valid on its date:
--   - facts of every version of a touched customer or product (a new version may now cover their
--     date: a change whose as-of date falls before sales already loaded, or a same-day revert
--     that merged a version away);
--   - facts parked on the unknown member (-1) whose customer or product has now arrived.
-- Profit follows the product version (its cost); it stays NULL while the product is unknown.
-- Only facts whose keys or profit differ are written; their old and new keys are touched.
WITH candidates AS (
  SELECT f.sales_key, f.date_key, f.customer_key AS old_customer_key, f.product_key AS old_product_key,
         coalesce(c.customer_key, -1) AS customer_key,
         coalesce(p.product_key, -1) AS product_key,
         round(f.line_total - p.cost * f.quantity, 2) AS profit
    FROM warehouse.fact_sales f
    JOIN warehouse.dim_date dd ON dd.date_key = f.date_key
    LEFT JOIN warehouse.dim_customers c
           ON c.customer_id = f.customer_id AND c.customer_key <> -1
          AND c.effective_date <= dd.full_date AND dd.full_date < c.end_date
    LEFT JOIN warehouse.dim_products p
           ON p.product_id = f.product_id AND p.product_key <> -1
          AND p.effective_date <= dd.full_date AND dd.full_date < p.end_date
   WHERE f.customer_key IN (SELECT existing_key FROM pg_temp.warehouse_customer_versions)
      OR f.product_key IN (SELECT existing_key FROM pg_temp.warehouse_product_versions)
      OR (f.customer_key = -1 AND f.customer_id IN (SELECT customer_id FROM pg_temp.warehouse_customer_versions))
      OR (f.product_key = -1 AND f.product_id IN (SELECT product_id FROM pg_temp.warehouse_product_versions))
),
repointed AS (
  UPDATE warehouse.fact_sales f
     SET customer_key = c.customer_key, product_key = c.product_key, profit = c.profit
    FROM candidates c
   WHERE f.sales_key = c.sales_key AND f.date_key = c.date_key
     AND (f.customer_key, f.product_key, f.profit) IS DISTINCT FROM (c.customer_key, c.product_key, c.profit)
  RETURNING f.date_key, c.old_customer_key, c.old_product_key, f.customer_key, f.product_key
),
touched AS (
  INSERT INTO pg_temp.warehouse_touched (date_key, customer_key, product_key)
  SELECT date_key, old_customer_key, old_product_key FROM repointed
  UNION ALL
  SELECT date_key, customer_key, product_key FROM repointed
)
SELECT count(*)::int AS repointed FROM repointed
