-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Monthly cohorts: a customer's cohort is the month of their first purchase in the selection;
-- retention_pct for months_since n = share of the cohort buying again n months later.
-- A customer's months with a purchase in the selection, each once. Without place or payment
-- filter: whole months from customer_months (first_place: one row per customer and month), edge
-- days from customer_days (grouped; their months differ from the whole months), and a customer
-- whose first purchase in the category (customer_firsts) is not before the range has that
-- purchase's month as cohort, known per row; only the others need all their months grouped to
-- find it. With a place filter the months rows of those places are grouped; with a payment filter
-- every day of the range comes from customer_days.
WITH active AS (
  SELECT m.customer_no,
         (m.month_key / 100) * 12 + m.month_key % 100 - 1 AS month_index,
         CASE WHEN m.first_date_key >= p.days_before_lo THEN (m.first_date_key / 10000) * 12 + (m.first_date_key / 100 % 100) - 1 END AS known_cohort
    FROM dashboard.customer_months m, dashboard.range_parts($1::date, $2::date) p
   WHERE $4::text IS NULL AND $5::text IS NULL AND $6::text IS NULL
     AND m.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND m.first_place
     AND m.month_key BETWEEN p.months_lo AND p.months_hi
  UNION ALL
  SELECT DISTINCT m.customer_no, (m.month_key / 100) * 12 + m.month_key % 100 - 1, NULL::int
    FROM dashboard.customer_months m, dashboard.range_parts($1::date, $2::date) p
   WHERE $6::text IS NULL AND NOT ($4::text IS NULL AND $5::text IS NULL)
     AND m.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND m.month_key BETWEEN p.months_lo AND p.months_hi
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR m.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
  UNION ALL
  SELECT DISTINCT d.customer_no,
         (d.date_key / 10000) * 12 + (d.date_key / 100 % 100) - 1,
         CASE WHEN f.first_date_key >= p.days_before_lo THEN (f.first_date_key / 10000) * 12 + (f.first_date_key / 100 % 100) - 1 END
    FROM dashboard.customer_days d
    JOIN dashboard.customer_firsts f ON f.category_id = d.category_id AND f.customer_no = d.customer_no,
         dashboard.range_parts($1::date, $2::date) p
   WHERE $4::text IS NULL AND $5::text IS NULL AND $6::text IS NULL
     AND d.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND (d.date_key BETWEEN p.days_before_lo AND p.days_before_hi OR d.date_key BETWEEN p.days_after_lo AND p.days_after_hi)
  UNION ALL
  SELECT DISTINCT d.customer_no, (d.date_key / 10000) * 12 + (d.date_key / 100 % 100) - 1, NULL::int
    FROM dashboard.customer_days d, dashboard.range_parts($1::date, $2::date) p
   WHERE NOT ($4::text IS NULL AND $5::text IS NULL AND $6::text IS NULL)
     AND d.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND CASE WHEN $6::text IS NULL
              THEN d.date_key BETWEEN p.days_before_lo AND p.days_before_hi OR d.date_key BETWEEN p.days_after_lo AND p.days_after_hi
              ELSE d.date_key BETWEEN p.days_before_lo AND p.days_after_hi END
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR d.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
     AND ($6::text IS NULL
        OR d.payment_method_key = (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6))
),
unknown AS (
  SELECT customer_no, month_index FROM active WHERE known_cohort IS NULL
),
cohorts AS (
  SELECT customer_no, min(month_index) AS cohort_index FROM unknown GROUP BY customer_no
),
counts AS (
  SELECT c.cohort_index, c.month_index - c.cohort_index AS months_since, count(*) AS active_customers
    FROM (SELECT known_cohort AS cohort_index, month_index FROM active WHERE known_cohort IS NOT NULL
          UNION ALL
          SELECT co.cohort_index, u.month_index FROM unknown u JOIN cohorts co ON co.customer_no = u.customer_no) AS c
   GROUP BY 1, 2
)
SELECT to_char(make_date(c.cohort_index / 12, c.cohort_index % 12 + 1, 1), 'YYYY-MM') AS cohort_month,
       c.months_since,
       first_value(c.active_customers) OVER (PARTITION BY c.cohort_index ORDER BY c.months_since) AS cohort_customers,
       c.active_customers,
       round(100.0 * c.active_customers / first_value(c.active_customers) OVER (PARTITION BY c.cohort_index ORDER BY c.months_since), 2) AS retention_pct
  FROM counts c
 ORDER BY c.cohort_index, c.months_since
