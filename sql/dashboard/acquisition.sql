-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Acquisition: customers who bought in the selection, by the month they registered; with a date
-- range, only customers who registered inside it (acquired in the period).
WITH buyers AS (
  SELECT c.customer_no, sum(c.revenue_cents) AS spent_cents
    FROM dashboard.customer_days c
   WHERE c.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND c.date_key BETWEEN coalesce(to_char($1::date, 'YYYYMMDD')::int, 0) AND coalesce(to_char($2::date, 'YYYYMMDD')::int, 99999999)
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR c.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
     AND ($6::text IS NULL
        OR c.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6))
   GROUP BY c.customer_no
)
SELECT to_char(date_trunc('month', cu.registration_date), 'YYYY-MM') AS registration_month,
       count(*) AS customers,
       round(sum(b.spent_cents) / 100.0, 2) AS revenue
  FROM buyers b
  JOIN dashboard.customers cu ON cu.customer_no = b.customer_no
 WHERE cu.registration_date IS NOT NULL
   AND cu.registration_date BETWEEN coalesce($1::date, '-infinity'::date) AND coalesce($2::date, 'infinity'::date)
 GROUP BY 1
 ORDER BY 1
