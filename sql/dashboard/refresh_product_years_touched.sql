-- refresh_product_years.sql for the touched (year, product) pairs, as a difference: the change of
-- product_months (refresh_product_months_touched.sql) summed per row of product_years. Sums are
-- exact and a row exists exactly when its transactions are above 0, so rows that drop to 0 go and
-- new keys come in: the rows a rebuild writes, without reading the touched years' months again.
MERGE INTO dashboard.product_years y USING (
  SELECT
    month_key / 100 AS year,
    product_no,
    category_id,
    geo_id,
    payment_method_key,
    sum(transactions)::integer AS transactions,
    ops.sum_bigint (quantity) AS quantity,
    ops.sum_bigint (revenue_cents) AS revenue_cents,
    ops.sum_bigint (profit_cents) AS profit_cents,
    ops.sum_bigint (discount_cents) AS discount_cents
  FROM
    pg_temp.dashboard_product_months_delta
  GROUP BY
    1,
    2,
    3,
    4,
    5
  HAVING
    sum(transactions) <> 0
    OR ops.sum_bigint (quantity) <> 0
    OR ops.sum_bigint (revenue_cents) <> 0
    OR ops.sum_bigint (profit_cents) <> 0
    OR ops.sum_bigint (discount_cents) <> 0
) AS d ON y.year = d.year
AND y.product_no = d.product_no
AND y.category_id = d.category_id
AND y.geo_id = d.geo_id
AND y.payment_method_key = d.payment_method_key WHEN MATCHED
AND y.transactions + d.transactions = 0 THEN DELETE WHEN MATCHED THEN
UPDATE
SET
  transactions = y.transactions + d.transactions,
  quantity = y.quantity + d.quantity,
  revenue_cents = y.revenue_cents + d.revenue_cents,
  profit_cents = y.profit_cents + d.profit_cents,
  discount_cents = y.discount_cents + d.discount_cents WHEN NOT MATCHED THEN INSERT (
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
VALUES
  (
    d.year,
    d.product_no,
    d.category_id,
    d.geo_id,
    d.payment_method_key,
    d.transactions,
    d.quantity,
    d.revenue_cents,
    d.profit_cents,
    d.discount_cents
  )
