-- refresh_customer_years.sql for the touched customers.
INSERT INTO dashboard.customer_years
  (category_id, year, customer_no, geo_id, payment_method_key, transactions, revenue_cents)
SELECT c.category_id, c.date_key / 10000, c.customer_no, coalesce(c.geo_id, 0), coalesce(c.payment_method_key, 0),
       sum(c.transactions), sum(c.revenue_cents)
  FROM pg_temp.dashboard_touched_customer_days c
 GROUP BY GROUPING SETS ((c.category_id, c.date_key / 10000, c.customer_no, c.geo_id, c.payment_method_key),
                         (c.category_id, c.date_key / 10000, c.customer_no))
