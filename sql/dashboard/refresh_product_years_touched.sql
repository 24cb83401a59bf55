-- refresh_product_years.sql for the years and products of the touched (month, product) pairs.
INSERT INTO dashboard.product_years
  (year, product_no, category_id, geo_id, payment_method_key, transactions, quantity, revenue_cents, profit_cents, discount_cents)
SELECT m.month_key / 100, m.product_no, m.category_id, m.geo_id, m.payment_method_key,
       sum(m.transactions), sum(m.quantity), sum(m.revenue_cents), sum(m.profit_cents), sum(m.discount_cents)
  FROM dashboard.product_months m
 WHERE (m.month_key / 100, m.product_no) IN
       (SELECT DISTINCT month_key / 100, product_no FROM pg_temp.dashboard_touched WHERE product_no IS NOT NULL)
 GROUP BY 1, 2, 3, 4, 5
