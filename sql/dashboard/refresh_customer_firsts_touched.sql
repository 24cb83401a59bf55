-- The first purchase day per category of the touched customers, from what changed instead of all
-- their days: a first day that is not a touched day still holds (its rows are untouched and no
-- older row exists), so the new first is the earlier of it and the touched days' rows; a touched
-- day at or before the old first is the new first. Only when the rows of a customer's first day
-- went and the touched days hold nothing earlier are the remaining days looked up (the
-- category's date index, first match): facts moved off that day. dashboard_firsts keeps old and new firsts for
-- refresh_customer_months_touched.sql; DELETE, UPDATE and INSERT touch disjoint pairs.
CREATE TEMP TABLE dashboard_firsts ON
COMMIT
DROP AS
WITH
  keys AS (
    SELECT
      ARRAY(
        SELECT
          date_key
        FROM
          pg_temp.dashboard_touched_days
      ) AS date_keys,
      ARRAY(
        SELECT
          0::smallint
        UNION ALL
        SELECT
          category_id
        FROM
          dashboard.categories
      ) AS category_ids,
      ARRAY(
        SELECT DISTINCT
          customer_no
        FROM
          pg_temp.dashboard_touched
        WHERE
          customer_no IS NOT NULL
      ) AS customer_nos,
      -- Every year a fact (so a customer_days row) can have: fact_sales.date_key references dim_date.
      ARRAY(
        SELECT DISTINCT
          date_key / 10000
        FROM
          warehouse.dim_date
      ) AS years
  ),
  old_touched AS (
    SELECT
      o.category_id,
      o.customer_no,
      sum(o.transactions) AS transactions
    FROM
      pg_temp.dashboard_old_customer_days o
    GROUP BY
      o.category_id,
      o.customer_no
  ),
  old AS (
    SELECT
      f.category_id,
      f.customer_no,
      f.first_date_key
    FROM
      dashboard.customer_firsts f,
      keys k
    WHERE
      f.category_id = ANY (k.category_ids)
      AND f.customer_no = ANY (k.customer_nos)
  ),
  touched_days AS (
    SELECT
      c.category_id,
      c.customer_no,
      min(c.date_key) AS first_date_key
    FROM
      dashboard.customer_days c,
      keys k
    WHERE
      c.category_id = ANY (k.category_ids)
      AND c.date_key = ANY (k.date_keys)
    GROUP BY
      c.category_id,
      c.customer_no
  )
SELECT
  p.category_id,
  p.customer_no,
  p.old_first,
  CASE
    WHEN p.old_first IS NULL THEN p.touched_first
    WHEN p.old_first <> ALL (k.date_keys) THEN least(p.old_first, p.touched_first)
    WHEN p.touched_first <= p.old_first THEN p.touched_first
    -- Any rows left on untouched days? customer_years (not yet brought up to date) holds the
    -- old total of every day, dashboard_old_customer_days that of the touched days: equal,
    -- the customer had nothing else in the category and the touched days tell all. Looked
    -- up by the customer's key, where the date index walk below reads the whole category
    -- when nothing is left (~20 ms per customer, 0.7 s of a 1M one-day delta).
    WHEN (
      SELECT
        sum(y.transactions)
      FROM
        dashboard.customer_years y
      WHERE
        y.category_id = p.category_id
        AND y.geo_id = 0
        AND y.year = ANY (k.years)
        AND y.customer_no = p.customer_no
    ) <= ot.transactions THEN p.touched_first
    ELSE (
      SELECT
        c.date_key
      FROM
        dashboard.customer_days c
      WHERE
        c.category_id = p.category_id
        AND c.customer_no = p.customer_no
      ORDER BY
        c.date_key
      LIMIT
        1
    )
  END AS new_first
FROM
  (
    SELECT
      coalesce(o.category_id, t.category_id) AS category_id,
      coalesce(o.customer_no, t.customer_no) AS customer_no,
      o.first_date_key AS old_first,
      t.first_date_key AS touched_first
    FROM
      old o
      FULL JOIN touched_days t ON t.category_id = o.category_id
      AND t.customer_no = o.customer_no
  ) AS p
  LEFT JOIN old_touched ot ON ot.category_id = p.category_id
  AND ot.customer_no = p.customer_no,
  keys k;

ANALYZE pg_temp.dashboard_firsts;

WITH
  removed AS (
    DELETE FROM dashboard.customer_firsts f USING pg_temp.dashboard_firsts p
    WHERE
      p.old_first IS NOT NULL
      AND p.new_first IS NULL
      AND f.category_id = p.category_id
      AND f.customer_no = p.customer_no
  ),
  changed AS (
    UPDATE dashboard.customer_firsts f
    SET
      first_date_key = p.new_first
    FROM
      pg_temp.dashboard_firsts p
    WHERE
      p.old_first IS NOT NULL
      AND p.new_first <> p.old_first
      AND f.category_id = p.category_id
      AND f.customer_no = p.customer_no
  )
INSERT INTO
  dashboard.customer_firsts (category_id, customer_no, first_date_key)
SELECT
  p.category_id,
  p.customer_no,
  p.new_first
FROM
  pg_temp.dashboard_firsts p
WHERE
  p.old_first IS NULL
  AND p.new_first IS NOT NULL
