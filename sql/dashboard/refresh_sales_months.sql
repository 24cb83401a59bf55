INSERT INTO
  dashboard.sales_months (
    category_id,
    month_key,
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
  s.category_id,
  s.date_key / 100,
  s.geo_id,
  s.payment_method_key,
  sum(s.transactions),
  sum(s.lines),
  ops.sum_bigint (s.quantity),
  ops.sum_bigint (s.revenue_cents),
  ops.sum_bigint (s.profit_cents),
  ops.sum_bigint (s.discount_cents)
FROM
  dashboard.sales_cells s
GROUP BY
  1,
  2,
  3,
  4
ORDER BY
  1,
  2,
  3,
  4
