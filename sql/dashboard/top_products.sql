-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Top 20 products by revenue, grouped by product_id (names repeat) and shown with the current
-- name and category. orders = transactions containing the product.
-- The selection's sales per product at the coarsest grain that fits the range (as in
-- spending_segments.sql): whole years, then whole months, then edge days.
WITH product_sales AS (
  SELECT y.product_no, y.transactions, y.quantity, y.revenue_cents, y.profit_cents, y.discount_cents
    FROM dashboard.product_years y, dashboard.range_parts($1::date, $2::date) p
   WHERE ($3::text IS NULL OR y.category_id IN (SELECT category_id FROM dashboard.categories WHERE category = $3))
     AND y.year BETWEEN p.years_lo AND p.years_hi
     AND CASE WHEN $4::text IS NULL AND $5::text IS NULL AND $6::text IS NULL THEN y.geo_id = 0
         ELSE y.geo_id > 0
          AND (($4::text IS NULL AND $5::text IS NULL)
             OR y.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
          AND ($6::text IS NULL
             OR y.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6)) END
  UNION ALL
  SELECT m.product_no, m.transactions, m.quantity, m.revenue_cents, m.profit_cents, m.discount_cents
    FROM dashboard.product_months m, dashboard.range_parts($1::date, $2::date) p
   WHERE ($3::text IS NULL OR m.category_id IN (SELECT category_id FROM dashboard.categories WHERE category = $3))
     AND (m.month_key BETWEEN p.months_before_lo AND p.months_before_hi OR m.month_key BETWEEN p.months_after_lo AND p.months_after_hi)
     AND CASE WHEN $4::text IS NULL AND $5::text IS NULL AND $6::text IS NULL THEN m.geo_id = 0
         ELSE m.geo_id > 0
          AND (($4::text IS NULL AND $5::text IS NULL)
             OR m.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
          AND ($6::text IS NULL
             OR m.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6)) END
  UNION ALL
  SELECT s.product_no, s.transactions, s.quantity, s.revenue_cents, s.profit_cents, s.discount_cents
    FROM dashboard.product_days s, dashboard.range_parts($1::date, $2::date) p
   WHERE ($3::text IS NULL OR s.category_id IN (SELECT category_id FROM dashboard.categories WHERE category = $3))
     AND (s.date_key BETWEEN p.days_before_lo AND p.days_before_hi OR s.date_key BETWEEN p.days_after_lo AND p.days_after_hi)
     AND (($4::text IS NULL AND $5::text IS NULL)
        OR s.geo_id IN (SELECT geo_id FROM dashboard.places WHERE ($4::text IS NULL OR country = $4) AND ($5::text IS NULL OR state = $5)))
     AND ($6::text IS NULL
        OR s.payment_method_key IN (SELECT payment_method_key FROM warehouse.dim_payment_method WHERE payment_method_name = $6))
),
products AS (
  SELECT s.product_no,
         sum(s.transactions) AS orders,
         sum(s.quantity) AS units_sold,
         sum(s.revenue_cents) / 100.0 AS revenue,
         sum(s.profit_cents) / 100.0 AS profit,
         sum(s.discount_cents) / 100.0 AS discount_amount
    FROM product_sales s
   GROUP BY s.product_no
   ORDER BY revenue DESC, s.product_no
   LIMIT 20
)
SELECT row_number() OVER (ORDER BY t.revenue DESC, p.product_id) AS rank,
       p.product_id,
       p.product_name,
       p.category,
       t.units_sold,
       t.orders,
       round(t.revenue, 2) AS revenue,
       round(t.profit, 2) AS profit,
       round(100 * t.profit / nullif(t.revenue, 0), 2) AS profit_margin_pct
  FROM products t
  JOIN dashboard.products p ON p.product_no = t.product_no
 ORDER BY rank
