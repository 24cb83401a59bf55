-- refresh_customer_firsts.sql for the touched customers.
INSERT INTO dashboard.customer_firsts (category_id, customer_no, first_date_key)
SELECT c.category_id, c.customer_no, min(c.date_key)
  FROM pg_temp.dashboard_touched_customer_days c
 GROUP BY 1, 2
