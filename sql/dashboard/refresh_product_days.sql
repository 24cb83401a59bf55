-- Grouped by sorting the lines by day and product (the table's order), with one bigint of the
-- two leading (as refresh_customer_days.sql, which says why). Exact: date_key < 2^31, product_no > 0.
SET
  LOCAL enable_hashagg = off;

INSERT INTO
  dashboard.product_days (
    date_key,
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
  l.date_key,
  l.product_no,
  l.category_id,
  l.geo_id,
  l.payment_method_key,
  count(DISTINCT l.transaction_id),
  sum(l.quantity),
  ops.sum_bigint (l.revenue_cents),
  ops.sum_bigint (l.profit_cents),
  ops.sum_bigint (l.discount_cents)
FROM
  pg_temp.dashboard_lines l
WHERE
  l.product_no IS NOT NULL
GROUP BY
  l.date_key::bigint * 4294967296 + l.product_no,
  l.category_id,
  l.geo_id,
  l.payment_method_key,
  l.date_key,
  l.product_no
ORDER BY
  l.date_key::bigint * 4294967296 + l.product_no,
  l.category_id,
  l.geo_id,
  l.payment_method_key;

SET
  LOCAL enable_hashagg TO DEFAULT
