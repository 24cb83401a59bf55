-- refresh_customer_months.sql for the touched customers in the touched months, from those months'
-- customer_days. Both tables' indexes lead with category_id, so every code (0 = all) is listed;
-- = ANY of an array subquery makes the month and category an index condition (a join to a CTE
-- of keys was planned as a scan of every row), the customers a hashed semi-join (an array is
-- searched row by row outside an index condition). A customer's other months change only when
-- their first purchase day in a category moved (dashboard_firsts,
-- refresh_customer_firsts_touched.sql): rare, as a daily delta adds days after the first ones.
UPDATE dashboard.customer_months m SET first_date_key = p.new_first
  FROM pg_temp.dashboard_firsts p
 WHERE p.old_first IS NOT NULL AND p.new_first <> p.old_first
   AND m.category_id = p.category_id AND m.customer_no = p.customer_no;

DELETE FROM dashboard.customer_months m
 WHERE m.category_id = ANY (ARRAY(SELECT 0::smallint UNION ALL SELECT category_id FROM dashboard.categories))
   AND m.month_key = ANY (ARRAY(SELECT DISTINCT date_key / 100 FROM pg_temp.dashboard_touched_days))
   AND m.customer_no IN (SELECT customer_no FROM pg_temp.dashboard_touched WHERE customer_no IS NOT NULL);

INSERT INTO dashboard.customer_months
  (category_id, month_key, customer_no, geo_id, first_place, transactions, revenue_cents, first_date_key)
SELECT m.category_id, m.month_key, m.customer_no, m.geo_id,
       row_number() OVER (PARTITION BY m.category_id, m.month_key, m.customer_no ORDER BY m.geo_id) = 1,
       m.transactions, m.revenue_cents, m.first_date_key
  FROM (SELECT c.category_id, c.date_key / 100 AS month_key, c.customer_no, c.geo_id,
               sum(c.transactions) AS transactions, sum(c.revenue_cents) AS revenue_cents, min(f.first_date_key) AS first_date_key
          FROM dashboard.customer_days c
          JOIN dashboard.customer_firsts f ON f.category_id = c.category_id AND f.customer_no = c.customer_no
         WHERE c.category_id = ANY (ARRAY(SELECT 0::smallint UNION ALL SELECT category_id FROM dashboard.categories))
           AND c.date_key BETWEEN (SELECT min(date_key / 100) * 100 FROM pg_temp.dashboard_touched_days)
                              AND (SELECT max(date_key / 100) * 100 + 99 FROM pg_temp.dashboard_touched_days)
           AND c.date_key / 100 IN (SELECT date_key / 100 FROM pg_temp.dashboard_touched_days)
           AND c.customer_no IN (SELECT customer_no FROM pg_temp.dashboard_touched WHERE customer_no IS NOT NULL)
         GROUP BY 1, 2, 3, 4) AS m
