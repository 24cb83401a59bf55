-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Customers of the selection in spending segments whose edges are the 50th, 80th and 95th
-- percentiles of what they spent in it (edges that fit the data's scale). A band holds customers
-- with lower_edge < spent <= upper_edge; the first band also holds the smallest total.
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
edges AS (
  SELECT min(spent_cents) AS p0,
         round(percentile_cont(0.50) WITHIN GROUP (ORDER BY spent_cents))::bigint AS p50,
         round(percentile_cont(0.80) WITHIN GROUP (ORDER BY spent_cents))::bigint AS p80,
         round(percentile_cont(0.95) WITHIN GROUP (ORDER BY spent_cents))::bigint AS p95,
         max(spent_cents) AS p100,
         count(*) AS all_customers,
         sum(spent_cents) AS all_spent
    FROM customer_spend
  HAVING count(*) > 0
),
banded AS (
  SELECT CASE WHEN s.spent_cents <= e.p50 THEN 1 WHEN s.spent_cents <= e.p80 THEN 2 WHEN s.spent_cents <= e.p95 THEN 3 ELSE 4 END AS segment_rank,
         count(*) AS customers,
         sum(s.orders) AS orders,
         sum(s.spent_cents) AS spent_cents
    FROM customer_spend s
   CROSS JOIN edges e
   GROUP BY 1
)
SELECT b.segment_rank,
       b.segment,
       b.percentile_range,
       round(b.lower_edge / 100.0, 2) AS lower_edge,
       round(b.upper_edge / 100.0, 2) AS upper_edge,
       coalesce(t.customers, 0) AS customers,
       round(100.0 * coalesce(t.customers, 0) / e.all_customers, 2) AS customer_share_pct,
       coalesce(t.orders, 0) AS orders,
       round(coalesce(t.spent_cents, 0) / 100.0, 2) AS revenue,
       round(100.0 * coalesce(t.spent_cents, 0) / nullif(e.all_spent, 0), 2) AS revenue_share_pct,
       round(t.spent_cents / 100.0 / nullif(t.customers, 0), 2) AS avg_spent_per_customer
  FROM edges e
 CROSS JOIN LATERAL (VALUES
   (1, 'low', '0-50', e.p0, e.p50),
   (2, 'medium', '50-80', e.p50, e.p80),
   (3, 'high', '80-95', e.p80, e.p95),
   (4, 'top', '95-100', e.p95, e.p100)
 ) AS b(segment_rank, segment, percentile_range, lower_edge, upper_edge)
  LEFT JOIN banded t ON t.segment_rank = b.segment_rank
 ORDER BY b.segment_rank
