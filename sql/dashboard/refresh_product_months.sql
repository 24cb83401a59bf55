-- product_days per month, plus one row per product, category and month for all places and
-- methods (geo_id = 0, payment_method_key = 0).
INSERT INTO
  dashboard.product_months (
    month_key,
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
  p.date_key / 100,
  p.product_no,
  p.category_id,
  coalesce(p.geo_id, 0),
  coalesce(p.payment_method_key, 0),
  sum(p.transactions),
  ops.sum_bigint (p.quantity),
  ops.sum_bigint (p.revenue_cents),
  ops.sum_bigint (p.profit_cents),
  ops.sum_bigint (p.discount_cents)
FROM
  dashboard.product_days p
GROUP BY
  GROUPING SETS (
    (p.date_key / 100, p.product_no, p.category_id, p.geo_id, p.payment_method_key),
    (p.date_key / 100, p.product_no, p.category_id)
  )
ORDER BY
  4,
  1
