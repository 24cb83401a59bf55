-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Distribution of what each customer spent in the selection (lifetime value within it): ten
-- bands of equal width from 0 to the 95th percentile, then one band for the top 5 %.
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
edge AS (
  SELECT greatest(percentile_disc(0.95) WITHIN GROUP (ORDER BY spent_cents), 1) AS p95 FROM customer_spend HAVING count(*) > 0
),
banded AS (
  SELECT least(width_bucket(s.spent_cents, 0, e.p95, 10), 11) AS bucket, s.spent_cents
    FROM customer_spend s
   CROSS JOIN edge e
)
SELECT g.bucket,
       CASE WHEN g.bucket = 11 THEN '> ' || to_char(e.p95 / 100.0, 'FM999999990')
            ELSE to_char((g.bucket - 1) * e.p95 / 1000.0, 'FM999999990') || '-' || to_char(g.bucket * e.p95 / 1000.0, 'FM999999990') END AS band,
       round(CASE WHEN g.bucket = 11 THEN e.p95 ELSE (g.bucket - 1) * e.p95 / 10.0 END / 100.0, 2) AS lower_edge,
       CASE WHEN g.bucket = 11 THEN NULL ELSE round(g.bucket * e.p95 / 10.0 / 100.0, 2) END AS upper_edge,
       count(b.bucket) AS customers,
       round(coalesce(sum(b.spent_cents), 0) / 100.0, 2) AS revenue
  FROM edge e
 CROSS JOIN generate_series(1, 11) AS g(bucket)
  LEFT JOIN banded b ON b.bucket = g.bucket
 GROUP BY g.bucket, e.p95
 ORDER BY g.bucket
