-- Which of the days that may be brought up to date by difference (refresh_diff_days.sql) are, and
-- the lines that moved there, each with what it was before. On such a day only the lines of the
-- changed customers and products (dashboard_changed_lines) can differ from what the summaries
-- hold, and only in what their versions give them: a customer's place, a product's category and
-- cost (so each line's profit, round(line_total - cost * quantity, 2), exact at numeric(12,2)).
-- What they were is read back from the summaries' rows of the day: every fact of a customer or
-- product and day names the version valid on that day, so a changed customer's customer_days rows
-- of the day have one place, a changed product's product_days rows one category and one cost,
-- cost = (revenue - profit) / quantity over the product's lines of the day. Exact when, per day:
--   - every changed customer's and product's line is coded (has its summary rows);
--   - the changed customers' customer_days rows have one place, the changed products'
--     product_days rows one category and a whole number of cents of cost, with a profit other than
--     0 (a product without cost has profit 0, which no cost tells apart);
--   - the lines with those old places, categories and profits, grouped as customer_days (changed
--     customers) and product_days (changed products), give exactly the rows the summaries hold.
-- A day where any of this fails is rebuilt whole, as every touched day was before.
CREATE TEMP TABLE dashboard_old_units ON
COMMIT
DROP AS
SELECT
  c.date_key,
  c.customer_no,
  min(c.geo_id) AS geo_id,
  max(c.geo_id) AS max_geo_id
FROM
  dashboard.customer_days c
WHERE
  c.category_id = 0
  AND c.date_key = ANY (
    ARRAY(
      SELECT
        date_key
      FROM
        pg_temp.dashboard_diff_days
    )
  )
  AND c.customer_no = ANY (
    ARRAY(
      SELECT DISTINCT
        customer_no
      FROM
        pg_temp.dashboard_changed_lines
      WHERE
        customer_changed
        AND customer_no IS NOT NULL
    )
  )
GROUP BY
  c.date_key,
  c.customer_no;

CREATE TEMP TABLE dashboard_old_products ON
COMMIT
DROP AS
SELECT
  p.*
FROM
  dashboard.product_days p
WHERE
  p.date_key = ANY (
    ARRAY(
      SELECT
        date_key
      FROM
        pg_temp.dashboard_diff_days
    )
  )
  AND p.product_no = ANY (
    ARRAY(
      SELECT DISTINCT
        product_no
      FROM
        pg_temp.dashboard_changed_lines
      WHERE
        product_changed
        AND product_no IS NOT NULL
    )
  );

CREATE TEMP TABLE dashboard_old_lines ON
COMMIT
DROP AS
WITH
  versions AS (
    SELECT
      p.date_key,
      p.product_no,
      min(p.category_id) AS category_id,
      max(p.category_id) AS max_category_id,
      ops.sum_bigint (p.quantity) AS quantity,
      ops.sum_bigint (p.revenue_cents) - ops.sum_bigint (p.profit_cents) AS cost_quantity_cents,
      ops.sum_bigint (p.profit_cents) AS profit_cents
    FROM
      pg_temp.dashboard_old_products p
    GROUP BY
      p.date_key,
      p.product_no
  )
SELECT
  l.*,
  CASE
    WHEN l.customer_changed THEN u.geo_id
    ELSE l.geo_id
  END AS old_geo_id,
  CASE
    WHEN l.product_changed THEN v.category_id
    ELSE l.category_id
  END AS old_category_id,
  CASE
    WHEN l.product_changed THEN l.revenue_cents - l.quantity * (v.cost_quantity_cents / nullif(v.quantity, 0))
    ELSE l.profit_cents
  END AS old_profit_cents,
  coalesce(
    (
      l.customer_changed
      AND (
        u.geo_id IS NULL
        OR u.geo_id <> u.max_geo_id
      )
    )
    OR (
      l.product_changed
      AND (
        v.category_id IS NULL
        OR v.category_id <> v.max_category_id
        OR v.profit_cents = 0
        OR v.quantity <= 0
        OR v.cost_quantity_cents % nullif(v.quantity, 0) <> 0
      )
    ),
    TRUE
  ) AS unknown
FROM
  pg_temp.dashboard_changed_lines l
  LEFT JOIN pg_temp.dashboard_old_units u ON u.date_key = l.date_key
  AND u.customer_no = l.customer_no
  LEFT JOIN versions v ON v.date_key = l.date_key
  AND v.product_no = l.product_no;

CREATE TEMP TABLE dashboard_whole_days ON
COMMIT
DROP AS
WITH
  customers_before AS (
    SELECT
      c.category_id,
      c.date_key,
      c.customer_no,
      c.geo_id,
      c.payment_method_key,
      c.transactions::bigint,
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
          SELECT DISTINCT
            date_key
          FROM
            pg_temp.dashboard_old_units
        )
      )
      AND (c.date_key, c.customer_no) IN (
        SELECT
          date_key,
          customer_no
        FROM
          pg_temp.dashboard_old_units
      )
  ),
  customers_rebuilt AS (
    SELECT
      coalesce(l.old_category_id, 0) AS category_id,
      l.date_key,
      l.customer_no,
      l.old_geo_id AS geo_id,
      l.payment_method_key,
      count(DISTINCT l.transaction_id) AS transactions,
      ops.sum_bigint (l.revenue_cents) AS revenue_cents
    FROM
      pg_temp.dashboard_old_lines l
    WHERE
      l.customer_changed
      AND NOT l.unknown
    GROUP BY
      GROUPING SETS (
        (l.date_key, l.customer_no, l.old_geo_id, l.payment_method_key, l.old_category_id),
        (l.date_key, l.customer_no, l.old_geo_id, l.payment_method_key)
      )
  ),
  products_rebuilt AS (
    SELECT
      l.date_key,
      l.product_no,
      l.old_category_id AS category_id,
      l.old_geo_id AS geo_id,
      l.payment_method_key,
      count(DISTINCT l.transaction_id)::integer AS transactions,
      sum(l.quantity)::bigint AS quantity,
      ops.sum_bigint (l.revenue_cents) AS revenue_cents,
      ops.sum_bigint (l.old_profit_cents) AS profit_cents,
      ops.sum_bigint (l.discount_cents) AS discount_cents
    FROM
      pg_temp.dashboard_old_lines l
    WHERE
      l.product_changed
      AND NOT l.unknown
    GROUP BY
      l.date_key,
      l.product_no,
      l.old_category_id,
      l.old_geo_id,
      l.payment_method_key
  ),
  inexact AS (
    SELECT
      date_key
    FROM
      pg_temp.dashboard_old_lines
    WHERE
      unknown
      OR (
        customer_changed
        AND customer_no IS NULL
      )
      OR (
        product_changed
        AND product_no IS NULL
      )
    UNION
    SELECT
      date_key
    FROM
      (
        (
          SELECT
            *
          FROM
            customers_before
          EXCEPT ALL
          SELECT
            *
          FROM
            customers_rebuilt
        )
        UNION ALL
        (
          SELECT
            *
          FROM
            customers_rebuilt
          EXCEPT ALL
          SELECT
            *
          FROM
            customers_before
        )
      ) AS d
    UNION
    SELECT
      date_key
    FROM
      (
        (
          SELECT
            *
          FROM
            pg_temp.dashboard_old_products
          EXCEPT ALL
          SELECT
            *
          FROM
            products_rebuilt
        )
        UNION ALL
        (
          SELECT
            *
          FROM
            products_rebuilt
          EXCEPT ALL
          SELECT
            *
          FROM
            pg_temp.dashboard_old_products
        )
      ) AS d
  )
SELECT
  t.date_key
FROM
  pg_temp.dashboard_touched_days t
WHERE
  NOT EXISTS (
    SELECT
      1
    FROM
      pg_temp.dashboard_diff_days d
    WHERE
      d.date_key = t.date_key
  )
  OR EXISTS (
    SELECT
      1
    FROM
      inexact i
    WHERE
      i.date_key = t.date_key
  );

-- The lines that moved, as whole transactions: those with a line now in another place, category
-- or profit than before, on the days kept by difference.
CREATE TEMP TABLE dashboard_moved_lines ON
COMMIT
DROP AS
SELECT
  l.*
FROM
  pg_temp.dashboard_old_lines l
WHERE
  l.date_key NOT IN (
    SELECT
      date_key
    FROM
      pg_temp.dashboard_whole_days
  )
  AND l.transaction_id IN (
    SELECT
      m.transaction_id
    FROM
      pg_temp.dashboard_old_lines m
    WHERE
      (m.old_geo_id, m.old_category_id, m.old_profit_cents) IS DISTINCT FROM (m.geo_id, m.category_id, m.profit_cents)
  );

ANALYZE pg_temp.dashboard_whole_days,
pg_temp.dashboard_moved_lines
