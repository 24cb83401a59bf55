-- The days whose summary rows a refresh after load $1 (NULL: no new load) rebuilds:
--   - days of facts the load wrote (fact_sales.sql stamps last_run_id only on a changed fact);
--   - days of the facts of a customer or product whose history the load changed, from the
--     earliest change it recorded on: re-pointing moves such facts between versions (place,
--     category) without stamping them, and versions before that date keep their key and range
--     (a change at E only splits, ends or merges away versions covering E and later);
--   - days whose fact count no longer matches the summaries': facts that moved to another day
--     or went away leave nothing behind to find them by. The facts per day are read from
--     warehouse.agg_daily_sales (total_items), which the warehouse stage keeps equal to a full
--     recompute of fact_sales in the same transaction as the facts: a few hundred rows instead of
--     counting every fact (1.7 s at 1M).
-- A day listed needlessly costs time only; a day missed would leave a wrong summary.
CREATE TEMP TABLE dashboard_touched_days ON
COMMIT
DROP AS
WITH
load AS (
  SELECT
    l.touched_days
  FROM
    ops.warehouse_loads l
  WHERE
    l.run_id = $1
),
stamped AS MATERIALIZED (
  -- Read only where the gate below lets it: a CTE nobody reads is never run (a plain subquery
  -- under the gate still started its parallel workers).
  SELECT
    f.date_key
  FROM
    warehouse.fact_sales f
  WHERE
    f.last_run_id = $1
)
-- The load's facts: it recorded the days of every fact it wrote, moved, re-pointed or deleted
-- (ops.warehouse_loads.touched_days, migration 0034), a superset of the days of the facts it
-- stamped. Where it recorded none (a bulk load, loads before 0034), its facts by last_run_id, a
-- scan of every fact (~0.5 s at 2.5M facts).
SELECT
  unnest(l.touched_days) AS date_key
FROM
load l
UNION
SELECT
  s.date_key
FROM
  stamped s
WHERE
  (
    SELECT
      l.touched_days IS NULL
    FROM
    load l
  )
UNION
-- LATERAL: per changed version, the days of its facts from the change on, from the warehouse's
-- per version and day partials (agg_customer_daily, agg_product_daily: a row per version and day
-- with facts, kept equal to fact_sales in the facts' transaction): one range of one primary key
-- per version, where fact_sales' customer (product) index was probed in every month's partition
-- (OFFSET 0 keeps it a nested loop; joined plainly, the planner hashed every row).
SELECT
  d.date_key
FROM
  (
    SELECT
      customer_id,
      to_char(min(effective_date), 'YYYYMMDD')::integer AS since
    FROM
      warehouse.customer_changes
    WHERE
      run_id = $1
    GROUP BY
      customer_id
  ) AS ch
  -- LATERAL: the versions of each changed customer by the customer_id index (joined, the planner
  -- hashed a scan of every version for ~1,000 changed customers).
  CROSS JOIN LATERAL (
    SELECT
      c.customer_key
    FROM
      warehouse.dim_customers c
    WHERE
      c.customer_id = ch.customer_id
    OFFSET
      0
  ) AS c
  CROSS JOIN LATERAL (
    SELECT
      d.date_key
    FROM
      warehouse.agg_customer_daily d
    WHERE
      d.customer_key = c.customer_key
      AND d.date_key >= ch.since
    OFFSET
      0
  ) AS d
UNION
SELECT
  d.date_key
FROM
  (
    SELECT
      product_id,
      to_char(min(effective_date), 'YYYYMMDD')::integer AS since
    FROM
      warehouse.product_changes
    WHERE
      run_id = $1
    GROUP BY
      product_id
  ) AS ch
  JOIN warehouse.dim_products p ON p.product_id = ch.product_id
  CROSS JOIN LATERAL (
    SELECT
      d.date_key
    FROM
      warehouse.agg_product_daily d
    WHERE
      d.product_key = p.product_key
      AND d.date_key >= ch.since
    OFFSET
      0
  ) AS d
UNION
SELECT
  coalesce(f.date_key, s.date_key)
FROM
  (
    SELECT
      date_key,
      total_items AS lines
    FROM
      warehouse.agg_daily_sales
  ) AS f
  FULL JOIN (
    SELECT
      date_key,
      sum(lines) AS lines
    FROM
      dashboard.sales_cells
    WHERE
      category_id = 0
    GROUP BY
      date_key
  ) AS s ON s.date_key = f.date_key
WHERE
  f.lines IS DISTINCT FROM s.lines
