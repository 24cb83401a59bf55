-- The first purchase day per category of the touched customers, from what changed instead of all
-- their days: a first day whose rows were not deleted still holds (its rows are untouched and no
-- older row exists), so the new first is the earlier of it and the touched days' rows; a touched
-- day at or before the old first is the new first. Only when the rows of a customer's first day
-- went and the touched days hold nothing earlier are the remaining days looked up (the category's
-- date index, first match): facts moved off that day. dashboard_firsts keeps old and new firsts for
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
      ) AS category_ids,
      -- Every year a fact (so a customer_days row) can have: fact_sales.date_key references dim_date.
      ARRAY(
        SELECT DISTINCT
          date_key / 10000
        FROM
          warehouse.dim_date
      ) AS years
  ),
  -- Per touched pair and day, the transactions before (dashboard_old_customer_days) and after
  -- (the rebuilt customer_days rows). A pair has a row on a day exactly when that day's
  -- transactions are above 0, so a pair whose every touched day kept its count kept its days,
  -- and its first: only the pairs with a day that changed are looked at (at 1M ~19k pairs have
  -- rows on the touched days, each looked up in customer_firsts, ~0.2 s; a few thousand change).
  days AS (
    SELECT
      d.category_id,
      d.customer_no,
      d.date_key,
      sum(d.transactions) FILTER (
        WHERE
          d.is_new
      ) AS new_transactions,
      sum(d.transactions) FILTER (
        WHERE
          NOT d.is_new
      ) AS old_transactions
    FROM
      (
        SELECT
          TRUE AS is_new,
          c.category_id,
          c.customer_no,
          c.date_key,
          c.transactions
        FROM
          dashboard.customer_days c,
          keys k
        WHERE
          c.category_id = ANY (k.category_ids)
          AND c.date_key = ANY (k.date_keys)
        UNION ALL
        SELECT
          TRUE,
          n.category_id,
          n.customer_no,
          n.date_key,
          n.transactions
        FROM
          pg_temp.dashboard_new_customer_days n
        UNION ALL
        SELECT
          FALSE,
          o.category_id,
          o.customer_no,
          o.date_key,
          o.transactions
        FROM
          pg_temp.dashboard_old_customer_days o
      ) AS d
    GROUP BY
      d.category_id,
      d.customer_no,
      d.date_key
  ),
  changed_pairs AS (
    SELECT
      d.category_id,
      d.customer_no,
      min(d.date_key) FILTER (
        WHERE
          d.new_transactions > 0
      ) AS touched_first,
      -- The pair's first day among the deleted rows: its old first was deleted (so is known to
      -- the difference) exactly when it is this day. Of a day kept by difference only the moved
      -- transactions' share of a row was, and the rest of the row may remain: the branches below
      -- then look the first up.
      min(d.date_key) FILTER (
        WHERE
          d.old_transactions > 0
      ) AS old_touched_first,
      sum(d.old_transactions) AS old_transactions
    FROM
      days d
    GROUP BY
      d.category_id,
      d.customer_no
    HAVING
      bool_or(d.new_transactions IS DISTINCT FROM d.old_transactions)
  )
SELECT
  p.category_id,
  p.customer_no,
  p.old_first,
  CASE
    WHEN p.old_first IS NULL THEN p.touched_first
    WHEN p.old_first IS DISTINCT FROM p.old_touched_first THEN least(p.old_first, p.touched_first)
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
    ) <= p.old_transactions THEN p.touched_first
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
      t.category_id,
      t.customer_no,
      -- Looked up through the primary key, pair by pair (joined, the planner hashed every customer's firsts).
      (
        SELECT
          f.first_date_key
        FROM
          dashboard.customer_firsts f
        WHERE
          f.category_id = t.category_id
          AND f.customer_no = t.customer_no
      ) AS old_first,
      t.touched_first,
      t.old_touched_first,
      t.old_transactions
    FROM
      changed_pairs t
    OFFSET
      0 -- kept a subquery: pulled up, the CASE below looked each old first up four times
  ) AS p,
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
