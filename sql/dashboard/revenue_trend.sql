-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Revenue per calendar month; orders = distinct transactions, avg_order_value = revenue / orders.
WITH months AS (
  SELECT s.date_key / 100 AS yyyymm,
         sum(s.transactions) AS orders,
         sum(s.revenue_cents) / 100.0 AS revenue,
         sum(s.profit_cents) / 100.0 AS profit
    FROM dashboard.sales_cells s
   WHERE s.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND s.date_key BETWEEN coalesce(to_char($1::date, 'YYYYMMDD')::int, 0) AND coalesce(to_char($2::date, 'YYYYMMDD')::int, 99999999)
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR s.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
     AND ($6::text IS NULL
        OR s.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6))
   GROUP BY s.date_key / 100
)
SELECT to_char(to_date(m.yyyymm::text, 'YYYYMM'), 'YYYY-MM') AS month,
       m.orders,
       round(m.revenue, 2) AS revenue,
       round(m.profit, 2) AS profit,
       round(m.revenue / nullif(m.orders, 0), 2) AS avg_order_value,
       round(100 * m.profit / nullif(m.revenue, 0), 2) AS profit_margin_pct
  FROM months m
 ORDER BY m.yyyymm
