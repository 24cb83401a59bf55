-- Lines of customers not (yet) in the customer dimension have no customer to group by.
INSERT INTO dashboard.customer_days
  (category_id, date_key, customer_no, geo_id, payment_method_key, transactions, revenue_cents)
SELECT coalesce(l.category_id, 0), l.date_key, l.customer_no, l.geo_id, l.payment_method_key,
       count(DISTINCT l.transaction_id), sum(l.revenue_cents)
  FROM pg_temp.dashboard_lines l
 WHERE l.customer_no IS NOT NULL
 GROUP BY GROUPING SETS ((l.date_key, l.customer_no, l.geo_id, l.payment_method_key, l.category_id),
                         (l.date_key, l.customer_no, l.geo_id, l.payment_method_key))
 ORDER BY 1, 2
