-- Revenue and distinct customers per country (level 'country', state NULL) and per state within
-- it (level 'state'). Location is where the customer lived when buying (the SCD version on the
-- fact): a customer who moved counts in both states, once in the country when both are in it.
-- Countries by revenue, each followed by its states by revenue.
-- From the dashboard summaries (see analysis_source.sql): sales per place from sales_months,
-- customers per place from the rows of customer_years that name one (geo_id > 0).
WITH
  sales AS (
    SELECT
      p.country,
      p.state,
      grouping(p.state) = 1 AS is_country,
      sum(m.transactions)::bigint AS orders,
      round(sum(m.revenue_cents) / 100.0, 2) AS revenue,
      round(sum(m.profit_cents) / 100.0, 2) AS profit
    FROM
      dashboard.sales_months m
      JOIN dashboard.places p ON p.geo_id = m.geo_id
    WHERE
      m.category_id = 0
    GROUP BY
      GROUPING SETS ((p.country), (p.country, p.state))
  ),
  customer_places AS (
    SELECT DISTINCT
      y.geo_id,
      y.customer_no
    FROM
      dashboard.customer_years y
    WHERE
      y.category_id = 0
      AND y.geo_id > 0
  ),
  customers AS (
    SELECT
      p.country,
      p.state,
      grouping(p.state) = 1 AS is_country,
      count(DISTINCT c.customer_no) AS customers
    FROM
      customer_places c
      JOIN dashboard.places p ON p.geo_id = c.geo_id
    GROUP BY
      GROUPING SETS ((p.country), (p.country, p.state))
  ),
  grouped AS (
    SELECT
      s.country,
      s.state,
      s.is_country,
      c.customers,
      s.orders,
      s.revenue,
      s.profit
    FROM
      sales s
      JOIN customers c ON c.country = s.country
      AND c.is_country = s.is_country
      AND c.state IS NOT DISTINCT FROM s.state
  )
SELECT
  CASE
    WHEN g.is_country THEN 'country'
    ELSE 'state'
  END AS level,
  g.country,
  g.state,
  g.customers,
  g.orders,
  g.revenue,
  g.profit,
  round(g.revenue / g.orders, 2) AS avg_order_value,
  round(
    100 * g.revenue / nullif(
      sum(g.revenue) FILTER (
        WHERE
          g.is_country
      ) OVER (),
      0
    ),
    2
  ) AS revenue_share_pct
FROM
  grouped g
ORDER BY
  max(g.revenue) FILTER (
    WHERE
      g.is_country
  ) OVER (
    PARTITION BY
      g.country
  ) DESC,
  g.country,
  g.is_country DESC,
  g.revenue DESC,
  g.state
