-- Revenue and distinct customers per country (level 'country', state NULL) and per state within
-- it (level 'state'). Location is where the customer lived when buying (the SCD version on the
-- fact): a customer who moved counts in both states, once in the country when both are in it.
-- Countries by revenue, each followed by its states by revenue.
-- Per customer version (one place each): sums from analysis_sums.sql, orders from
-- analysis_orders.sql; a transaction has one customer version, so orders add up per place.
-- returns_amount: the place's returns (warehouse.fact_returns, negative: credit notes), placed by
-- the customer version valid on the return date ('Unknown' where the warehouse has none then, as a
-- sale would be); net_revenue = revenue + returns_amount. A place with returns only is listed
-- with no customers, orders or revenue.
WITH
  version_orders AS (
    SELECT
      o.customer_key,
      sum(o.orders) AS orders
    FROM
      pg_temp.analysis_orders o
    WHERE
      o.kind = 'order'
    GROUP BY
      o.customer_key
  ),
  located AS (
    SELECT
      coalesce(c.country, 'Unknown') AS country,
      coalesce(c.state, 'Unknown') AS state,
      c.customer_id,
      o.orders,
      s.revenue,
      s.profit
    FROM
      pg_temp.analysis_sums s
      JOIN version_orders o ON o.customer_key = s.customer_key
      JOIN warehouse.dim_customers c ON c.customer_key = s.customer_key
    WHERE
      s.kind = 'customer'
  ),
  grouped AS (
    SELECT
      l.country,
      l.state,
      grouping(l.state) = 1 AS is_country,
      count(DISTINCT l.customer_id) AS customers,
      sum(l.orders)::bigint AS orders,
      sum(l.revenue) AS revenue,
      sum(l.profit) AS profit
    FROM
      located l
    GROUP BY
      GROUPING SETS ((l.country), (l.country, l.state))
  ),
  returns AS (
    SELECT
      coalesce(c.country, 'Unknown') AS country,
      coalesce(c.state, 'Unknown') AS state,
      grouping(coalesce(c.state, 'Unknown')) = 1 AS is_country,
      sum(r.line_total) AS returns_amount
    FROM
      warehouse.fact_returns_keyed r
      JOIN warehouse.dim_customers c ON c.customer_key = r.customer_key
    GROUP BY
      GROUPING SETS ((coalesce(c.country, 'Unknown')), (coalesce(c.country, 'Unknown'), coalesce(c.state, 'Unknown')))
  ),
  places AS (
    SELECT
      coalesce(g.country, r.country) AS country,
      CASE
        WHEN NOT coalesce(g.is_country, r.is_country) THEN coalesce(g.state, r.state)
      END AS state,
      coalesce(g.is_country, r.is_country) AS is_country,
      coalesce(g.customers, 0) AS customers,
      coalesce(g.orders, 0) AS orders,
      coalesce(g.revenue, 0) AS revenue,
      coalesce(g.profit, 0) AS profit,
      coalesce(r.returns_amount, 0) AS returns_amount
    FROM
      grouped g
      FULL JOIN returns r ON r.country = g.country
      AND r.is_country = g.is_country
      AND (
        r.is_country
        OR r.state = g.state
      )
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
  places g
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
