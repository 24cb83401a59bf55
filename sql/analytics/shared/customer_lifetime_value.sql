-- The final SELECT of customer_lifetime_value.sql and from_summaries/customer_lifetime_value.sql,
-- written once (spliced in where they name this file): the top customers ranked, from
-- the CTEs per_customer (each customer's totals) and current_customer (its latest name and place)
-- each of them reads from its own source.
SELECT
  row_number() OVER (
    ORDER BY
      p.revenue DESC,
      p.customer_id
  ) AS rank,
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
FROM
  per_customer p
  JOIN current_customer c ON c.customer_id = p.customer_id
ORDER BY
  rank
