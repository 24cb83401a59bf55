-- The 100 most valuable customers (customer_id: SCD versions count once) over the warehouse's
-- whole history, with their current name and location. avg_order_value = revenue / orders;
-- lifespan_days = last purchase date - first purchase date.
-- Per customer version: sums and first/last sale day from analysis_sums.sql, orders from
-- analysis_orders.sql.
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
  per_customer AS (
    SELECT
      c.customer_id,
      sum(o.orders)::bigint AS orders,
      sum(s.units_sold)::bigint AS units_sold,
      sum(s.revenue) AS revenue,
      sum(s.profit) AS profit,
      min(first_day.full_date) AS first_purchase_date,
      max(last_day.full_date) AS last_purchase_date
    FROM
      pg_temp.analysis_sums s
      JOIN version_orders o ON o.customer_key = s.customer_key
      JOIN warehouse.dim_customers c ON c.customer_key = s.customer_key
      JOIN warehouse.dim_date first_day ON first_day.date_key = s.first_date_key
      JOIN warehouse.dim_date last_day ON last_day.date_key = s.last_date_key
    WHERE
      s.kind = 'customer'
    GROUP BY
      c.customer_id
    ORDER BY
      revenue DESC,
      c.customer_id
    LIMIT
      100
  ),
  current_customer AS (
    SELECT DISTINCT
      ON (c.customer_id) c.customer_id,
      c.full_name,
      c.country,
      c.state,
      c.age_group
    FROM
      warehouse.dim_customers c
    WHERE
      c.customer_id IN (
        SELECT
          customer_id
        FROM
          per_customer
      )
    ORDER BY
      c.customer_id,
      c.is_current DESC,
      c.effective_date DESC
  )
  -- The ranked rows (shared/customer_lifetime_value.sql).
  {{customer_lifetime_value}}
