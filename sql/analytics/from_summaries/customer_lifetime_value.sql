-- The 100 most valuable customers (customer_id: SCD versions count once) over the warehouse's
-- whole history, with their current name and location. avg_order_value = revenue / orders;
-- lifespan_days = last purchase date - first purchase date.
-- The 100 customers from the dashboard's customer_years (all categories, places and methods; see
-- analysis_source.sql), then their figures from their own fact lines (the customer index): the
-- summaries hold neither units, profit nor the last purchase day per customer.
WITH top_customers AS (
  SELECT c.customer_id
    FROM dashboard.customer_years y
    JOIN dashboard.customers c ON c.customer_no = y.customer_no
   WHERE y.category_id = 0 AND y.geo_id = 0
   GROUP BY c.customer_id
   ORDER BY sum(y.revenue_cents) DESC, c.customer_id
   LIMIT 100
),
per_customer AS (
  SELECT c.customer_id,
         count(DISTINCT f.transaction_id) AS orders,
         sum(f.quantity) AS units_sold,
         sum(f.line_total) AS revenue,
         sum(f.profit) AS profit,
         min(d.full_date) AS first_purchase_date,
         max(d.full_date) AS last_purchase_date
    FROM warehouse.dim_customers c
    JOIN warehouse.fact_sales f ON f.customer_key = c.customer_key
    JOIN warehouse.dim_date d ON d.date_key = f.date_key
   WHERE c.customer_id IN (SELECT customer_id FROM top_customers)
   GROUP BY c.customer_id
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
