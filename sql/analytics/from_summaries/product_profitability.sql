-- product_profitability.sql from the dashboard summaries (see analysis_source.sql): every
-- product sold, from the all-places-and-methods rows of product_years. With no NULL profit,
-- cost = revenue - profit line by line, so also in total. Returns per product from return_days.
-- returns_amount: the product's returns (warehouse.fact_returns, by product_id, negative: credit
-- notes), net_revenue = revenue + returns_amount; profit and margin stay on the sales (a return
-- carries no cost). Products with returns but no sale are not listed.
WITH
  per_product AS (
    SELECT
      y.product_no,
      ops.sum_bigint (y.quantity) AS units_sold,
      sum(y.transactions)::bigint AS orders,
      round(ops.sum_bigint (y.revenue_cents) / 100.0, 2) AS revenue,
      round(ops.sum_bigint (y.revenue_cents - y.profit_cents) / 100.0, 2) AS cost,
      round(ops.sum_bigint (y.profit_cents) / 100.0, 2) AS profit,
      round(ops.sum_bigint (y.discount_cents) / 100.0, 2) AS discount_amount
    FROM
      dashboard.product_years y
    WHERE
      y.geo_id = 0
    GROUP BY
      y.product_no
  ),
  returns AS (
    SELECT
      r.product_no,
      round(ops.sum_bigint (r.returns_cents) / 100.0, 2) AS returns_amount
    FROM
      dashboard.return_days r
    GROUP BY
      r.product_no
  )
SELECT
  p.product_id,
  p.product_name,
  p.category,
  s.units_sold,
  s.orders,
  s.revenue,
  s.cost,
  s.profit,
  round(100 * s.profit / nullif(s.revenue, 0), 2) AS profit_margin_pct,
  round(s.profit / nullif(s.units_sold, 0), 2) AS profit_per_unit,
  s.discount_amount,
  coalesce(r.returns_amount, 0) AS returns_amount,
  s.revenue + coalesce(r.returns_amount, 0) AS net_revenue
FROM
  per_product s
  JOIN dashboard.products p ON p.product_no = s.product_no
  LEFT JOIN returns r ON r.product_no = s.product_no
ORDER BY
  s.profit DESC,
  p.product_id
