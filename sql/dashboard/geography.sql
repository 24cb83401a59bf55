-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Revenue, orders and distinct customers per country (level 'country', state NULL) and per state
-- within it. Location is where the customer lived when buying: a customer who moved counts in both
-- states, once in the country when both are in it.
WITH sales AS (
  SELECT g.country, g.state, sum(s.transactions) AS orders, sum(s.revenue_cents) / 100.0 AS revenue
    FROM dashboard.sales_cells s
    JOIN dashboard.places g ON g.geo_id = s.geo_id
   WHERE s.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                       FROM dashboard.categories WHERE category = $3)
     AND s.date_key BETWEEN coalesce(to_char($1::date, 'YYYYMMDD')::int, 0) AND coalesce(to_char($2::date, 'YYYYMMDD')::int, 99999999)
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR s.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
     AND ($6::text IS NULL
        OR s.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6))
   GROUP BY GROUPING SETS ((g.country), (g.country, g.state))
),
-- Place rows only (the all-places rows of customer_years have no place to count a customer in), at
-- the coarsest grain that fits the range, as customer_sales in spending_segments.sql.
customer_places AS (
  SELECT DISTINCT s.geo_id, s.customer_no
    FROM (
            SELECT y.geo_id, y.customer_no
              FROM dashboard.customer_years y, dashboard.range_parts($1::date, $2::date) p
             WHERE y.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                                 FROM dashboard.categories WHERE category = $3)
               AND y.year BETWEEN p.years_lo AND p.years_hi
               AND y.geo_id > 0
               AND (($4::text IS NULL AND $5::text IS NULL)
                  OR y.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
               AND ($6::text IS NULL
                  OR y.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6))
            UNION ALL
            SELECT m.geo_id, m.customer_no
              FROM dashboard.customer_months m, dashboard.range_parts($1::date, $2::date) p
             WHERE $6::text IS NULL
               AND m.category_id = (SELECT CASE WHEN $3::text IS NULL THEN 0 ELSE coalesce(max(category_id), -1) END
                                 FROM dashboard.categories WHERE category = $3)
               AND (m.month_key BETWEEN p.months_before_lo AND p.months_before_hi OR m.month_key BETWEEN p.months_after_lo AND p.months_after_hi)
               AND (($4::text IS NULL AND $5::text IS NULL)
                  OR m.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
            UNION ALL
            SELECT d.geo_id, d.customer_no
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
         ) AS s
),
customers AS (
  SELECT g.country, g.state, count(DISTINCT cp.customer_no) AS customers
    FROM customer_places cp
    JOIN dashboard.places g ON g.geo_id = cp.geo_id
   GROUP BY GROUPING SETS ((g.country), (g.country, g.state))
)
SELECT CASE WHEN s.state IS NULL THEN 'country' ELSE 'state' END AS level,
       s.country,
       s.state,
       coalesce(c.customers, 0) AS customers,
       s.orders,
       round(s.revenue, 2) AS revenue,
       round(s.revenue / nullif(s.orders, 0), 2) AS avg_order_value,
       round(100 * s.revenue / nullif(sum(s.revenue) FILTER (WHERE s.state IS NULL) OVER (), 0), 2) AS revenue_share_pct
  FROM sales s
  LEFT JOIN customers c ON c.country = s.country AND c.state IS NOT DISTINCT FROM s.state
 ORDER BY max(s.revenue) FILTER (WHERE s.state IS NULL) OVER (PARTITION BY s.country) DESC,
          s.country,
          s.state IS NULL DESC,
          s.revenue DESC,
          s.state
