-- refresh_product_months.sql for the touched (month, product) pairs, as a difference: the rebuilt
-- product_days rows of the days rebuilt whole and those written by difference
-- (dashboard_new_product_days) added, the deleted ones (dashboard_old_product_days)
-- subtracted, per row of product_months. Sums are exact and a row exists exactly when its
-- transactions are above 0 (every day row counts at least one), so rows that drop to 0 go and
-- new keys come in: the rows a rebuild writes, without reading the touched months' other days.
-- The difference is kept for refresh_product_years_touched.sql. The place and month conditions
-- only let product_months' index find the rows a difference can match.
CREATE TEMP TABLE dashboard_product_months_delta ON
COMMIT
DROP AS
WITH
  changes AS (
    SELECT
      p.date_key,
      p.product_no,
      p.category_id,
      p.geo_id,
      p.payment_method_key,
      p.transactions,
      p.quantity,
      p.revenue_cents,
      p.profit_cents,
      p.discount_cents
    FROM
      dashboard.product_days p
    WHERE
      p.date_key = ANY (
        ARRAY(
          SELECT
            date_key
          FROM
            pg_temp.dashboard_whole_days
        )
      )
    UNION ALL
    SELECT
      *
    FROM
      pg_temp.dashboard_new_product_days
    UNION ALL
    SELECT
      o.date_key,
      o.product_no,
      o.category_id,
      o.geo_id,
      o.payment_method_key,
      - o.transactions,
      - o.quantity,
      - o.revenue_cents,
      - o.profit_cents,
      - o.discount_cents
    FROM
      pg_temp.dashboard_old_product_days o
  )
SELECT
  d.*
FROM
  (
    SELECT
      c.date_key / 100 AS month_key,
      c.product_no,
      c.category_id,
      coalesce(c.geo_id, 0)::smallint AS geo_id,
      coalesce(c.payment_method_key, 0) AS payment_method_key,
      sum(c.transactions)::integer AS transactions,
      ops.sum_bigint (c.quantity) AS quantity,
      ops.sum_bigint (c.revenue_cents) AS revenue_cents,
      ops.sum_bigint (c.profit_cents) AS profit_cents,
      ops.sum_bigint (c.discount_cents) AS discount_cents
    FROM
      changes c
    GROUP BY
      GROUPING SETS (
        (c.date_key / 100, c.product_no, c.category_id, c.geo_id, c.payment_method_key),
        (c.date_key / 100, c.product_no, c.category_id)
      )
  ) AS d
WHERE
  d.transactions <> 0
  OR d.quantity <> 0
  OR d.revenue_cents <> 0
  OR d.profit_cents <> 0
  OR d.discount_cents <> 0;

ANALYZE pg_temp.dashboard_product_months_delta;

MERGE INTO dashboard.product_months m USING pg_temp.dashboard_product_months_delta d ON m.month_key = d.month_key
AND m.product_no = d.product_no
AND m.category_id = d.category_id
AND m.geo_id = d.geo_id
AND m.payment_method_key = d.payment_method_key
AND m.geo_id = ANY (
  ARRAY(
    SELECT DISTINCT
      geo_id
    FROM
      pg_temp.dashboard_product_months_delta
  )
)
AND m.month_key = ANY (
  ARRAY(
    SELECT DISTINCT
      month_key
    FROM
      pg_temp.dashboard_product_months_delta
  )
) WHEN MATCHED
AND m.transactions + d.transactions = 0 THEN DELETE WHEN MATCHED THEN
UPDATE
SET
  transactions = m.transactions + d.transactions,
  quantity = m.quantity + d.quantity,
  revenue_cents = m.revenue_cents + d.revenue_cents,
  profit_cents = m.profit_cents + d.profit_cents,
  discount_cents = m.discount_cents + d.discount_cents WHEN NOT MATCHED THEN INSERT (
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
VALUES
  (
    d.month_key,
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
