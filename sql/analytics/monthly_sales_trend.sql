-- Sales per calendar month. orders = distinct transactions (so it matches the transactions table
-- for the month: every line of a transaction carries its one date), customers = distinct
-- customer_id (SCD versions of one customer count once), average order value = revenue / orders.
WITH months AS (
  SELECT d.year::int AS year,
         d.month::int AS month_number,
         count(DISTINCT f.transaction_id) AS orders,
         count(DISTINCT c.customer_id) AS customers,
         sum(f.quantity) AS units_sold,
         sum(f.line_total) AS revenue,
         sum(f.profit) AS profit
    FROM warehouse.fact_sales f
    JOIN warehouse.dim_date d ON d.date_key = f.date_key
    JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
   GROUP BY d.year, d.month
)
SELECT to_char(make_date(m.year, m.month_number, 1), 'YYYY-MM') AS month,
       m.year,
       m.month_number,
       m.orders,
       m.customers,
       m.units_sold,
       m.revenue,
       m.profit,
       round(m.revenue / m.orders, 2) AS avg_order_value,
       round(100 * m.profit / nullif(m.revenue, 0), 2) AS profit_margin_pct,
       -- NULL for the first month and after a month without revenue: no base to compare with.
       round(100 * (m.revenue - lag(m.revenue) OVER w) / nullif(lag(m.revenue) OVER w, 0), 2) AS revenue_change_pct
  FROM months m
WINDOW w AS (ORDER BY m.year, m.month_number)
 ORDER BY m.year, m.month_number
