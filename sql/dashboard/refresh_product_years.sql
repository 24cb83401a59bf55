INSERT INTO
  dashboard.product_years (
    year,
    product_no,
    category_id,
    geo_id,
    payment_method_key,
    transactions,
    quantity,
    revenue_cents,
    profit_cents,
    discount_cents
  )
SELECT
  m.month_key / 100,
  m.product_no,
  m.category_id,
  m.geo_id,
  m.payment_method_key,
  sum(m.transactions),
  ops.sum_bigint (m.quantity),
  ops.sum_bigint (m.revenue_cents),
  ops.sum_bigint (m.profit_cents),
  ops.sum_bigint (m.discount_cents)
FROM
  dashboard.product_months m
GROUP BY
  1,
  2,
  3,
  4,
  5
ORDER BY
  4,
  1
