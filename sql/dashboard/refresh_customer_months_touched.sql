-- refresh_customer_months.sql for the touched customers in the touched months, as a difference:
-- their rows there (deleted, then written again) plus the rebuilt customer_days rows of the days
-- rebuilt whole and those written by difference (dashboard_new_customer_days) minus the deleted
-- ones (dashboard_old_customer_days), per customer, month and
-- place. Sums are exact and a row exists exactly when its transactions are above 0 (every day row
-- counts at least one); first_place is then numbered again over each customer's places of the
-- month, and first_date_key comes from customer_firsts as rebuilt just before. Rebuilding the
-- months from their customer_days read every day of the touched months (0.9 s at 1M). The month
-- and category are index conditions (= ANY of array subqueries; a join to a CTE of keys was
-- planned as a scan of every row), the customers a hashed semi-join.
-- A customer's other months change only when their first purchase day in a category moved
-- (dashboard_firsts, refresh_customer_firsts_touched.sql): rare, as a daily delta adds days
-- after the first ones.
-- Only the (category, month, customer) groups whose day rows changed are deleted and written
-- again: every one of their places' sums is unchanged otherwise, and so are first_place and (after
-- the UPDATE below) first_date_key. The touched customers' other groups in the touched months
-- (those who bought on a touched day before and not since: 74k rows at 1M, of a few thousand that
-- change) were deleted and inserted back as they were.
-- dashboard_month_changes keeps the rows deleted (is_new false) and written (true): a changed
-- group's rows before and after, all that refresh_customer_year_months_touched.sql needs.
CREATE TEMP TABLE dashboard_month_changes (
  is_new boolean NOT NULL,
  category_id smallint NOT NULL,
  month_key integer NOT NULL,
  customer_no integer NOT NULL,
  geo_id smallint NOT NULL
) ON
COMMIT
DROP;

UPDATE dashboard.customer_months m
SET
  first_date_key = p.new_first
FROM
  pg_temp.dashboard_firsts p
WHERE
  p.old_first IS NOT NULL
  AND p.new_first <> p.old_first
  AND m.category_id = p.category_id
  AND m.customer_no = p.customer_no;

WITH
  diff AS (
    SELECT
      d.category_id,
      d.month_key,
      d.customer_no,
      d.geo_id,
      sum(d.transactions)::integer AS transactions,
      ops.sum_bigint (d.revenue_cents) AS revenue_cents
    FROM
      (
        SELECT
          c.category_id,
          c.date_key / 100 AS month_key,
          c.customer_no,
          c.geo_id,
          c.transactions,
          c.revenue_cents
        FROM
          dashboard.customer_days c
        WHERE
          c.category_id = ANY (
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
          AND c.date_key = ANY (
            ARRAY(
              SELECT
                date_key
              FROM
                pg_temp.dashboard_whole_days
            )
          )
        UNION ALL
        SELECT
          n.category_id,
          n.date_key / 100,
          n.customer_no,
          n.geo_id,
          n.transactions,
          n.revenue_cents
        FROM
          pg_temp.dashboard_new_customer_days n
        UNION ALL
        SELECT
          o.category_id,
          o.date_key / 100,
          o.customer_no,
          o.geo_id,
          - o.transactions,
          - o.revenue_cents
        FROM
          pg_temp.dashboard_old_customer_days o
      ) AS d
    GROUP BY
      1,
      2,
      3,
      4
    HAVING
      sum(d.transactions) <> 0
      OR ops.sum_bigint (d.revenue_cents) <> 0
  ),
  cleared AS (
    DELETE FROM dashboard.customer_months m
    WHERE
      m.category_id = ANY (
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
      AND m.month_key = ANY (
        ARRAY(
          SELECT DISTINCT
            date_key / 100
          FROM
            pg_temp.dashboard_touched_days
        )
      )
      AND (m.category_id, m.month_key, m.customer_no) IN (
        SELECT
          category_id,
          month_key,
          customer_no
        FROM
          diff
      )
    RETURNING
      m.category_id,
      m.month_key,
      m.customer_no,
      m.geo_id,
      m.transactions,
      m.revenue_cents
  ),
  changes AS (
    SELECT
      category_id,
      month_key,
      customer_no,
      geo_id,
      transactions,
      revenue_cents
    FROM
      cleared
    UNION ALL
    SELECT
      category_id,
      month_key,
      customer_no,
      geo_id,
      transactions,
      revenue_cents
    FROM
      diff
  ),
  months AS (
    SELECT
      category_id,
      month_key,
      customer_no,
      geo_id,
      sum(transactions)::integer AS transactions,
      ops.sum_bigint (revenue_cents) AS revenue_cents
    FROM
      changes
    GROUP BY
      1,
      2,
      3,
      4
    HAVING
      sum(transactions) > 0
  ),
  written AS (
    INSERT INTO
      dashboard.customer_months (
        category_id,
        month_key,
        customer_no,
        geo_id,
        first_place,
        transactions,
        revenue_cents,
        first_date_key
      )
    SELECT
      m.category_id,
      m.month_key,
      m.customer_no,
      m.geo_id,
      row_number() OVER (
        PARTITION BY
          m.category_id,
          m.month_key,
          m.customer_no
        ORDER BY
          m.geo_id
      ) = 1,
      m.transactions,
      m.revenue_cents,
      -- Looked up through the primary key: joined, the planner hashed every customer's firsts.
      (
        SELECT
          f.first_date_key
        FROM
          dashboard.customer_firsts f
        WHERE
          f.category_id = m.category_id
          AND f.customer_no = m.customer_no
      )
    FROM
      months m
    RETURNING
      category_id,
      month_key,
      customer_no,
      geo_id
  )
INSERT INTO
  pg_temp.dashboard_month_changes (is_new, category_id, month_key, customer_no, geo_id)
SELECT
  FALSE,
  category_id,
  month_key,
  customer_no,
  geo_id
FROM
  cleared
UNION ALL
SELECT
  TRUE,
  category_id,
  month_key,
  customer_no,
  geo_id
FROM
  written
