-- The 100 most valuable customers (customer_id: SCD versions count once) over the warehouse's
-- whole history, with their current name and location. avg_order_value = revenue / orders;
-- lifespan_days = last purchase date - first purchase date.
-- The 100 customers from the dashboard's customer_years (all categories, places and methods; see
-- analysis_source.sql), then their figures from their own fact lines (the customer index): the
-- summaries hold neither units, profit nor the last purchase day per customer.
WITH top_customers AS (
  SELECT y.customer_no
    FROM dashboard.customer_years y
   WHERE y.category_id = 0 AND y.geo_id = 0
   GROUP BY y.customer_no
   -- customer_no numbers customer_id in order, so ties fall as by customer_id.
   ORDER BY sum(y.revenue_cents) DESC, y.customer_no
   LIMIT 100
),
top_versions AS (
  SELECT c.customer_id, c.customer_key
    FROM warehouse.dim_customers c
   WHERE c.customer_id IN (SELECT u.customer_id FROM top_customers t JOIN dashboard.customers u ON u.customer_no = t.customer_no)
),
-- LATERAL: one customer-index lookup per version, never a scan of every fact.
per_customer AS (
  SELECT v.customer_id,
         count(DISTINCT l.transaction_id) AS orders,
         sum(l.quantity) AS units_sold,
         sum(l.line_total) AS revenue,
         sum(l.profit) AS profit,
         min(d.full_date) AS first_purchase_date,
         max(d.full_date) AS last_purchase_date
    FROM top_versions v
   CROSS JOIN LATERAL (SELECT f.transaction_id, f.quantity, f.line_total, f.profit, f.date_key
                         FROM warehouse.fact_sales f
                        WHERE f.customer_key = v.customer_key) AS l
    JOIN warehouse.dim_date d ON d.date_key = l.date_key
   GROUP BY v.customer_id
),
current_customer AS (
  SELECT DISTINCT ON (c.customer_id) c.customer_id, c.full_name, c.country, c.state, c.age_group
    FROM warehouse.dim_customers c
   WHERE c.customer_id IN (SELECT customer_id FROM per_customer)
   ORDER BY c.customer_id, c.is_current DESC, c.effective_date DESC
)
SELECT row_number() OVER (ORDER BY p.revenue DESC, p.customer_id) AS rank,
       p.customer_id,
       c.full_name AS customer_name,
       c.country,
       c.state,
       c.age_group,
       p.orders,
       p.units_sold,
       p.revenue,
       p.profit,
       round(p.revenue / p.orders, 2) AS avg_order_value,
       p.first_purchase_date::text AS first_purchase_date,
       p.last_purchase_date::text AS last_purchase_date,
       p.last_purchase_date - p.first_purchase_date AS lifespan_days
  FROM per_customer p
  JOIN current_customer c ON c.customer_id = p.customer_id
 ORDER BY rank
