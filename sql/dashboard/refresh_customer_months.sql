-- customer_days per customer, month and place over all payment methods, with the customer's
-- first purchase day in the category; first_place marks one row per customer and month.
-- Grouped by sorting, for this statement: 30 % less CPU than hashing the 3M day rows and sorting the 1.8M groups after (11.3 -> 7.0 s, then
-- 9.1 -> 6.5 s on a 1M-order clone, back to back).
SET LOCAL enable_hashagg = off;

INSERT INTO dashboard.customer_months
  (category_id, month_key, customer_no, geo_id, first_place, transactions, revenue_cents, first_date_key)
SELECT m.category_id, m.month_key, m.customer_no, m.geo_id,
       row_number() OVER (PARTITION BY m.category_id, m.month_key, m.customer_no ORDER BY m.geo_id) = 1,
       m.transactions, m.revenue_cents, m.first_date_key
  FROM (SELECT c.category_id, c.date_key / 100 AS month_key, c.customer_no, c.geo_id,
               sum(c.transactions) AS transactions, sum(c.revenue_cents) AS revenue_cents, min(f.first_date_key) AS first_date_key
          FROM dashboard.customer_days c
          JOIN dashboard.customer_firsts f ON f.category_id = c.category_id AND f.customer_no = c.customer_no
         GROUP BY 1, 2, 3, 4) AS m
 ORDER BY m.category_id, m.month_key, m.customer_no, m.geo_id;

SET LOCAL enable_hashagg TO DEFAULT
