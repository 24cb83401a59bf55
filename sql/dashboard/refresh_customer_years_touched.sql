-- refresh_customer_years.sql for the touched customers, as a difference: the rebuilt customer_days
-- rows of the days rebuilt whole and the rows written by difference (dashboard_new_customer_days)
-- added, the deleted ones (dashboard_old_customer_days) subtracted, per row of customer_years. Sums
-- of counts and cents are exact, and a row exists exactly when its transactions are above 0 (every
-- day row counts at least one), so rows that drop to 0 go and new keys come in: the same rows a
-- rebuild writes, from a few thousand day rows instead of every day of every touched customer. The
-- year, category and place conditions only narrow the scan of customer_years to the rows a
-- difference can match.
CREATE TEMP TABLE dashboard_customer_years_delta ON
COMMIT
DROP AS
WITH
  keys AS (
    SELECT
      ARRAY(
        SELECT
          date_key
        FROM
          pg_temp.dashboard_whole_days
      ) AS date_keys,
      ARRAY(
        SELECT
          0::smallint
        UNION ALL
        SELECT
          category_id
        FROM
          dashboard.categories
      ) AS category_ids
  ),
  changes AS (
    SELECT
      c.category_id,
      c.date_key,
      c.customer_no,
      c.geo_id,
      c.payment_method_key,
      c.transactions,
      c.revenue_cents
    FROM
      dashboard.customer_days c,
      keys k
    WHERE
      c.category_id = ANY (k.category_ids)
      AND c.date_key = ANY (k.date_keys)
    UNION ALL
    SELECT
      *
    FROM
      pg_temp.dashboard_new_customer_days
    UNION ALL
    SELECT
      o.category_id,
      o.date_key,
      o.customer_no,
      o.geo_id,
      o.payment_method_key,
      - o.transactions,
      - o.revenue_cents
    FROM
      pg_temp.dashboard_old_customer_days o
  )
SELECT
  d.category_id,
  d.year,
  d.customer_no,
  d.geo_id,
  d.payment_method_key,
  d.transactions,
  d.revenue_cents
FROM
  (
    SELECT
      c.category_id,
      c.date_key / 10000 AS year,
      c.customer_no,
      coalesce(c.geo_id, 0)::smallint AS geo_id,
      coalesce(c.payment_method_key, 0) AS payment_method_key,
      sum(c.transactions)::integer AS transactions,
      ops.sum_bigint (c.revenue_cents) AS revenue_cents
    FROM
      changes c
    GROUP BY
      GROUPING SETS (
        (c.category_id, c.date_key / 10000, c.customer_no, c.geo_id, c.payment_method_key),
        (c.category_id, c.date_key / 10000, c.customer_no)
      )
  ) AS d
WHERE
  d.transactions <> 0
  OR d.revenue_cents <> 0;

ANALYZE pg_temp.dashboard_customer_years_delta;

MERGE INTO dashboard.customer_years y USING pg_temp.dashboard_customer_years_delta d ON y.category_id = d.category_id
AND y.year = d.year
AND y.customer_no = d.customer_no
AND y.geo_id = d.geo_id
AND y.payment_method_key = d.payment_method_key
AND y.year = ANY (
  ARRAY(
    SELECT DISTINCT
      year
    FROM
      pg_temp.dashboard_customer_years_delta
  )
)
AND y.category_id = ANY (
  ARRAY(
    SELECT DISTINCT
      category_id
    FROM
      pg_temp.dashboard_customer_years_delta
  )
)
AND y.geo_id = ANY (
  ARRAY(
    SELECT DISTINCT
      geo_id
    FROM
      pg_temp.dashboard_customer_years_delta
  )
) WHEN MATCHED
AND y.transactions + d.transactions = 0 THEN DELETE WHEN MATCHED THEN
UPDATE
SET
  transactions = y.transactions + d.transactions,
  revenue_cents = y.revenue_cents + d.revenue_cents WHEN NOT MATCHED THEN INSERT (category_id, year, customer_no, geo_id, payment_method_key, transactions, revenue_cents)
VALUES
  (
    d.category_id,
    d.year,
    d.customer_no,
    d.geo_id,
    d.payment_method_key,
    d.transactions,
    d.revenue_cents
  )
