-- refresh_sales_months.sql for the months of the touched days: their rows deleted and rebuilt from
-- those months' sales_cells. Both primary keys lead with category_id, so every code is listed.
-- Two statements: within one, the insert would meet the primary key entries of the rows deleted.
DELETE FROM dashboard.sales_months s
WHERE
  s.category_id = ANY (
    ARRAY(
      SELECT
        0::smallint
      UNION ALL
      SELECT
        category_id
      FROM
        dashboard.categories
    )
  )
  AND s.month_key = ANY (
    ARRAY(
      SELECT DISTINCT
        date_key / 100
      FROM
        pg_temp.dashboard_touched_days
    )
  );

WITH
  keys AS (
    SELECT
      ARRAY(
        SELECT DISTINCT
          date_key / 100
        FROM
          pg_temp.dashboard_touched_days
      ) AS month_keys,
      (
        SELECT
          min(date_key / 100) * 100
        FROM
          pg_temp.dashboard_touched_days
      ) AS first_day,
      (
        SELECT
          max(date_key / 100) * 100 + 99
        FROM
          pg_temp.dashboard_touched_days
      ) AS last_day,
      ARRAY(
        SELECT
          0::smallint
        UNION ALL
        SELECT
          category_id
        FROM
          dashboard.categories
      ) AS category_ids
  )
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
  dashboard.sales_cells s,
  keys k
WHERE
  s.category_id = ANY (k.category_ids)
  AND s.date_key BETWEEN k.first_day AND k.last_day
  AND s.date_key / 100 = ANY (k.month_keys)
GROUP BY
  1,
  2,
  3,
  4
