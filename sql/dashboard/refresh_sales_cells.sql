-- Ordered by one bigint of category and day, then place and method (the primary key's order):
-- sorting compares the first key in place and reads the tuple only on a tie (refresh_customer_days.sql).
INSERT INTO
  dashboard.sales_cells (
    category_id,
    date_key,
    geo_id,
    payment_method_key,
    transactions,
    lines,
    quantity,
    revenue_cents,
    profit_cents,
    discount_cents
  )
SELECT
  coalesce(l.category_id, 0),
  l.date_key,
  l.geo_id,
  l.payment_method_key,
  count(DISTINCT l.transaction_id),
  count(*),
  sum(l.quantity),
  ops.sum_bigint (l.revenue_cents),
  ops.sum_bigint (l.profit_cents),
  ops.sum_bigint (l.discount_cents)
FROM
  pg_temp.dashboard_lines l
GROUP BY
  GROUPING SETS (
    (l.date_key, l.geo_id, l.payment_method_key, l.category_id),
    (l.date_key, l.geo_id, l.payment_method_key)
  )
ORDER BY
  coalesce(l.category_id, 0) * 100000000::bigint + l.date_key,
  l.geo_id,
  l.payment_method_key
