-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Monthly cohorts: a customer's cohort is the month of their first purchase in the selection;
-- retention_pct for months_since n = share of the cohort buying again n months later.
WITH active AS (
  SELECT c.customer_no, (c.date_key / 10000) * 12 + (c.date_key / 100 % 100) - 1 AS month_index
    FROM dashboard.customer_days c
   WHERE c.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND c.date_key BETWEEN coalesce(to_char($1::date, 'YYYYMMDD')::int, 0) AND coalesce(to_char($2::date, 'YYYYMMDD')::int, 99999999)
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR c.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
     AND ($6::text IS NULL
        OR c.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6))
   GROUP BY 1, 2
),
cohorts AS (
  SELECT customer_no, min(month_index) AS cohort_index FROM active GROUP BY customer_no
),
counts AS (
  SELECT co.cohort_index, a.month_index - co.cohort_index AS months_since, count(*) AS active_customers
    FROM active a
    JOIN cohorts co ON co.customer_no = a.customer_no
   GROUP BY 1, 2
)
SELECT to_char(make_date(c.cohort_index / 12, c.cohort_index % 12 + 1, 1), 'YYYY-MM') AS cohort_month,
       c.months_since,
       first_value(c.active_customers) OVER (PARTITION BY c.cohort_index ORDER BY c.months_since) AS cohort_customers,
       c.active_customers,
       round(100.0 * c.active_customers / first_value(c.active_customers) OVER (PARTITION BY c.cohort_index ORDER BY c.months_since), 2) AS retention_pct
  FROM counts c
 ORDER BY c.cohort_index, c.months_since
