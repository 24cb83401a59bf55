-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Distribution of what each customer spent in the selection (lifetime value within it): ten
-- bands of equal width from 0 to the 95th percentile, then one band for the top 5 %.
-- customer_sales: the selection's sales per customer, read at the coarsest grain that fits the
-- range (dashboard.range_parts): whole years from customer_years (its all-places-and-methods rows,
-- geo_id = 0, when neither is filtered). The rest comes, without payment filter, from
-- customer_months (whole months, per place) and customer_days (edge days); with a payment filter
-- from customer_days alone.
WITH customer_sales AS (
  SELECT y.customer_no, y.transactions, y.revenue_cents
    FROM dashboard.customer_years y, dashboard.range_parts($1::date, $2::date) p
   WHERE y.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND y.year BETWEEN p.years_lo AND p.years_hi
     AND CASE WHEN $4::text IS NULL AND $5::text IS NULL AND $6::text IS NULL THEN y.geo_id = 0
         ELSE y.geo_id > 0
          AND (($4::text IS NULL AND $5::text IS NULL)
             OR y.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
          AND ($6::text IS NULL
             OR y.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6)) END
  UNION ALL
  SELECT m.customer_no, m.transactions, m.revenue_cents
    FROM dashboard.customer_months m, dashboard.range_parts($1::date, $2::date) p
   WHERE $6::text IS NULL
     AND m.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND (m.month_key BETWEEN p.months_before_lo AND p.months_before_hi OR m.month_key BETWEEN p.months_after_lo AND p.months_after_hi)
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR m.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
  UNION ALL
  SELECT d.customer_no, d.transactions, d.revenue_cents
    FROM dashboard.customer_days d, dashboard.range_parts($1::date, $2::date) p
   WHERE d.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND CASE WHEN $6::text IS NULL
              THEN d.date_key BETWEEN p.days_before_lo AND p.days_before_hi OR d.date_key BETWEEN p.days_after_lo AND p.days_after_hi
              ELSE d.date_key BETWEEN p.rest_before_lo AND p.rest_before_hi OR d.date_key BETWEEN p.rest_after_lo AND p.rest_after_hi END
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR d.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
     AND ($6::text IS NULL
        OR d.payment_method_key = (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6))
),
customer_spend AS (
  SELECT customer_no, sum(revenue_cents) AS spent_cents, sum(transactions) AS orders
    FROM customer_sales
   GROUP BY customer_no
),
edge AS (
  SELECT greatest(percentile_disc(0.95) WITHIN GROUP (ORDER BY spent_cents), 1) AS p95 FROM customer_spend HAVING count(*) > 0
),
banded AS (
  SELECT least(width_bucket(s.spent_cents, 0, e.p95, 10), 11) AS bucket, count(*) AS customers, sum(s.spent_cents) AS spent_cents
    FROM customer_spend s
   CROSS JOIN edge e
   GROUP BY 1
)
SELECT g.bucket,
       CASE WHEN g.bucket = 11 THEN '> ' || to_char(e.p95 / 100.0, 'FM999999990')
            ELSE to_char((g.bucket - 1) * e.p95 / 1000.0, 'FM999999990') || '-' || to_char(g.bucket * e.p95 / 1000.0, 'FM999999990') END AS band,
       round(CASE WHEN g.bucket = 11 THEN e.p95 ELSE (g.bucket - 1) * e.p95 / 10.0 END / 100.0, 2) AS lower_edge,
       CASE WHEN g.bucket = 11 THEN NULL ELSE round(g.bucket * e.p95 / 10.0 / 100.0, 2) END AS upper_edge,
       coalesce(b.customers, 0) AS customers,
       round(coalesce(b.spent_cents, 0) / 100.0, 2) AS revenue
  FROM edge e
 CROSS JOIN generate_series(1, 11) AS g(bucket)
  LEFT JOIN banded b ON b.bucket = g.bucket
 ORDER BY g.bucket
