-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Revenue, orders and distinct customers per country (level 'country', state NULL) and per state
-- within it. Location is where the customer lived when buying: a customer who moved counts in both
-- states, once in the country when both are in it. revenue is gross; returns_amount the place's
-- returns (negative; placed by the customer version valid on the return date, 'Unknown' for a
-- customer the warehouse does not know then), net_revenue = revenue + returns_amount; a place with
-- returns only is listed with no orders. Under a payment filter (a return has no payment method)
-- both are NULL.
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
  returns AS (
    SELECT
      g.country,
      g.state,
      sum(r.returns_cents) / 100.0 AS returns_amount
    FROM
      dashboard.return_days_in ($1::date, $2::date, $3::text, $4::text, $5::text) r
      JOIN dashboard.places g ON g.geo_id = r.geo_id
    WHERE
      $6::text IS NULL
    GROUP BY
      GROUPING SETS ((g.country), (g.country, g.state))
  ),
  places AS (
    SELECT
      coalesce(s.country, r.country) AS country,
      coalesce(s.state, r.state) AS state,
      coalesce(s.orders, 0) AS orders,
      coalesce(s.revenue, 0) AS revenue,
      r.returns_amount
    FROM
      sales s
      FULL JOIN returns r ON r.country = s.country
      AND r.state IS NOT DISTINCT FROM s.state
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
  CASE
    WHEN $6::text IS NULL THEN round(coalesce(s.returns_amount, 0), 2)
  END AS returns_amount,
  CASE
    WHEN $6::text IS NULL THEN round(s.revenue + coalesce(s.returns_amount, 0), 2)
  END AS net_revenue,
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
  places s
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
