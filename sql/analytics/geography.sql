-- Revenue and distinct customers per country (level 'country', state NULL) and per state within
-- it (level 'state'). Location is where the customer lived when buying (the SCD version on the
-- fact): a customer who moved counts in both states, once in the country when both are in it.
-- Countries by revenue, each followed by its states by revenue.
WITH located AS (
  SELECT coalesce(c.country, 'Unknown') AS country,
         coalesce(c.state, 'Unknown') AS state,
         c.customer_id,
         f.transaction_id,
         f.line_total,
         f.profit
    FROM warehouse.fact_sales f
    JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
),
grouped AS (
  SELECT l.country,
         l.state,
         grouping(l.state) = 1 AS is_country,
         count(DISTINCT l.customer_id) AS customers,
         count(DISTINCT l.transaction_id) AS orders,
         sum(l.line_total) AS revenue,
         sum(l.profit) AS profit
    FROM located l
   GROUP BY GROUPING SETS ((l.country), (l.country, l.state))
)
SELECT CASE WHEN g.is_country THEN 'country' ELSE 'state' END AS level,
       g.country,
       g.state,
       g.customers,
       g.orders,
       g.revenue,
       g.profit,
       round(g.revenue / g.orders, 2) AS avg_order_value,
       round(100 * g.revenue / nullif(sum(g.revenue) FILTER (WHERE g.is_country) OVER (), 0), 2) AS revenue_share_pct
  FROM grouped g
 ORDER BY max(g.revenue) FILTER (WHERE g.is_country) OVER (PARTITION BY g.country) DESC,
          g.country,
          g.is_country DESC,
          g.revenue DESC,
          g.state
