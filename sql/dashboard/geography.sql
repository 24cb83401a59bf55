-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Revenue, orders and distinct customers per country (level 'country', state NULL) and per state
-- within it. Location is where the customer lived when buying: a customer who moved counts in both
-- states, once in the country when both are in it.
WITH
  sales AS (
    SELECT
      g.country,
      g.state,
      sum(s.transactions) AS orders,
      sum(s.revenue_cents) / 100.0 AS revenue
    FROM
      dashboard.sales_cells_in ($1::date, $2::date, $3::text, $4::text, $5::text, $6::text) s
      JOIN dashboard.places g ON g.geo_id = s.geo_id
    GROUP BY
      GROUPING SETS ((g.country), (g.country, g.state))
  ),
  -- Rows that name the customer's place (the all-places rows of customer_years have no place to
  -- count a customer in).
  customer_places AS (
    SELECT DISTINCT
      s.geo_id,
      s.customer_no
    FROM
      dashboard.customer_sales ($1::date, $2::date, $3::text, $4::text, $5::text, $6::text, true) s
  ),
  customers AS (
    SELECT
      g.country,
      g.state,
      count(DISTINCT cp.customer_no) AS customers
    FROM
      customer_places cp
      JOIN dashboard.places g ON g.geo_id = cp.geo_id
    GROUP BY
      GROUPING SETS ((g.country), (g.country, g.state))
  )
SELECT
  CASE
    WHEN s.state IS NULL THEN 'country'
    ELSE 'state'
  END AS level,
  s.country,
  s.state,
  coalesce(c.customers, 0) AS customers,
  s.orders,
  round(s.revenue, 2) AS revenue,
  round(s.revenue / nullif(s.orders, 0), 2) AS avg_order_value,
  round(
    100 * s.revenue / nullif(
      sum(s.revenue) FILTER (
        WHERE
          s.state IS NULL
      ) OVER (),
      0
    ),
    2
  ) AS revenue_share_pct
FROM
  sales s
  LEFT JOIN customers c ON c.country = s.country
  AND c.state IS NOT DISTINCT FROM s.state
ORDER BY
  max(s.revenue) FILTER (
    WHERE
      s.state IS NULL
  ) OVER (
    PARTITION BY
      s.country
  ) DESC,
  s.country,
  s.state IS NULL DESC,
  s.revenue DESC,
  s.state
