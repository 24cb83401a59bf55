-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Share of transactions and of revenue per payment method (a transaction has one method).
WITH methods AS (
  SELECT s.payment_method_key,
         sum(s.transactions) AS transactions,
         sum(s.revenue_cents) / 100.0 AS revenue
    FROM dashboard.sales_cells s
   WHERE s.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND s.date_key BETWEEN coalesce(to_char($1::date, 'YYYYMMDD')::int, 0) AND coalesce(to_char($2::date, 'YYYYMMDD')::int, 99999999)
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR s.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
     AND ($6::text IS NULL
        OR s.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6))
   GROUP BY s.payment_method_key
)
SELECT pm.payment_method_name AS payment_method,
       pm.payment_type,
       m.transactions,
       round(100.0 * m.transactions / nullif(sum(m.transactions) OVER (), 0), 2) AS transaction_share_pct,
       round(m.revenue, 2) AS revenue,
       round(100 * m.revenue / nullif(sum(m.revenue) OVER (), 0), 2) AS revenue_share_pct,
       round(m.revenue / nullif(m.transactions, 0), 2) AS avg_order_value
  FROM methods m
  JOIN warehouse.dim_payment_method pm ON pm.payment_method_key = m.payment_method_key
 ORDER BY m.revenue DESC, pm.payment_method_name
