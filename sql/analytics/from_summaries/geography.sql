-- Revenue and distinct customers per country (level 'country', state NULL) and per state within
-- it (level 'state'). Location is where the customer lived when buying (the SCD version on the
-- fact): a customer who moved counts in both states, once in the country when both are in it.
-- Countries by revenue, each followed by its states by revenue.
-- From the dashboard summaries (see analysis_source.sql): sales per place from sales_months,
-- customers per place from the rows of customer_years that name one (geo_id > 0), returns per
-- place from return_days.
-- returns_amount: the place's returns (warehouse.fact_returns, negative: credit notes), placed by
-- the customer version valid on the return date ('Unknown' where the warehouse has none then, as a
-- sale would be); net_revenue = revenue + returns_amount. A place with returns only is listed
-- with no customers, orders or revenue.
WITH
  sales AS (
    SELECT
      p.country,
      p.state,
      grouping(p.state) = 1 AS is_country,
      sum(m.transactions)::bigint AS orders,
      round(ops.sum_bigint (m.revenue_cents) / 100.0, 2) AS revenue,
      round(ops.sum_bigint (m.profit_cents) / 100.0, 2) AS profit
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
  returns AS (
    SELECT
      p.country,
      p.state,
      grouping(p.state) = 1 AS is_country,
      round(ops.sum_bigint (r.returns_cents) / 100.0, 2) AS returns_amount
    FROM
      dashboard.return_days r
      JOIN dashboard.places p ON p.geo_id = r.geo_id
    GROUP BY
      GROUPING SETS ((p.country), (p.country, p.state))
  ),
  grouped AS (
    SELECT
      coalesce(s.country, r.country) AS country,
      coalesce(s.state, r.state) AS state,
      coalesce(s.is_country, r.is_country) AS is_country,
      coalesce(c.customers, 0) AS customers,
      coalesce(s.orders, 0) AS orders,
      coalesce(s.revenue, 0) AS revenue,
      coalesce(s.profit, 0) AS profit,
      coalesce(r.returns_amount, 0) AS returns_amount
    FROM
      sales s
      JOIN customers c ON c.country = s.country
      AND c.is_country = s.is_country
      AND c.state IS NOT DISTINCT FROM s.state
      FULL JOIN returns r ON r.country = s.country
      AND r.is_country = s.is_country
      AND r.state IS NOT DISTINCT FROM s.state
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
  round(g.revenue / nullif(g.orders, 0), 2) AS avg_order_value,
  round(
    100 * g.revenue / nullif(
      sum(g.revenue) FILTER (
        WHERE
          g.is_country
      ) OVER (),
      0
    ),
    2
  ) AS revenue_share_pct,
  g.returns_amount,
  g.revenue + g.returns_amount AS net_revenue
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
