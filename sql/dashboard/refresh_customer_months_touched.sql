-- refresh_customer_months.sql for the touched customers (all their months: their first purchase
-- day may have changed).
INSERT INTO dashboard.customer_months
  (category_id, month_key, customer_no, geo_id, first_place, transactions, revenue_cents, first_date_key)
SELECT m.category_id, m.month_key, m.customer_no, m.geo_id,
       row_number() OVER (PARTITION BY m.category_id, m.month_key, m.customer_no ORDER BY m.geo_id) = 1,
       m.transactions, m.revenue_cents, m.first_date_key
  FROM (SELECT c.category_id, c.date_key / 100 AS month_key, c.customer_no, c.geo_id,
               sum(c.transactions) AS transactions, sum(c.revenue_cents) AS revenue_cents, min(f.first_date_key) AS first_date_key
          FROM pg_temp.dashboard_touched_customer_days c
          JOIN dashboard.customer_firsts f ON f.category_id = c.category_id AND f.customer_no = c.customer_no
         GROUP BY 1, 2, 3, 4) AS m
