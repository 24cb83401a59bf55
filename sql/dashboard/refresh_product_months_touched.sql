-- refresh_product_months.sql for the touched (month, product) pairs; the date bounds let
-- product_days' date index find the touched months.
WITH touched AS (
  SELECT DISTINCT month_key, product_no FROM pg_temp.dashboard_touched WHERE product_no IS NOT NULL
)
INSERT INTO dashboard.product_months
  (month_key, product_no, category_id, geo_id, payment_method_key, transactions, quantity, revenue_cents, profit_cents, discount_cents)
SELECT p.date_key / 100, p.product_no, p.category_id, coalesce(p.geo_id, 0), coalesce(p.payment_method_key, 0),
       sum(p.transactions), sum(p.quantity), sum(p.revenue_cents), sum(p.profit_cents), sum(p.discount_cents)
  FROM dashboard.product_days p
 WHERE p.date_key BETWEEN (SELECT min(month_key) * 100 FROM touched) AND (SELECT max(month_key) * 100 + 99 FROM touched)
   AND (p.date_key / 100, p.product_no) IN (SELECT month_key, product_no FROM touched)
 GROUP BY GROUPING SETS ((p.date_key / 100, p.product_no, p.category_id, p.geo_id, p.payment_method_key),
                         (p.date_key / 100, p.product_no, p.category_id))
