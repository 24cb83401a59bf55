-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- The 20 customers (by customer_id) who spent most in the selection, with current name and home.
WITH customer_spend AS (
  SELECT c.customer_no, sum(c.revenue_cents) AS spent_cents, sum(c.transactions) AS orders
    FROM dashboard.customer_days c
   WHERE c.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND c.date_key BETWEEN coalesce(to_char($1::date, 'YYYYMMDD')::int, 0) AND coalesce(to_char($2::date, 'YYYYMMDD')::int, 99999999)
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR c.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
     AND ($6::text IS NULL
        OR c.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6))
   GROUP BY c.customer_no
),
top AS (
  SELECT * FROM customer_spend ORDER BY spent_cents DESC, customer_no LIMIT 20
)
SELECT row_number() OVER (ORDER BY t.spent_cents DESC, c.customer_id) AS rank,
       c.customer_id,
       c.full_name AS customer_name,
       c.country,
       c.state,
       t.orders,
       round(t.spent_cents / 100.0, 2) AS revenue,
       round(t.spent_cents / 100.0 / nullif(t.orders, 0), 2) AS avg_order_value
  FROM top t
  JOIN dashboard.customers c ON c.customer_no = t.customer_no
 ORDER BY rank
