-- The touched days a refresh after load $1 may bring up to date by difference instead of
-- rebuilding them (refresh_moved_lines.sql, refresh_moved_days.sql): days the summaries already
-- hold whose facts the load neither wrote nor removed, only re-pointed to other versions of the
-- customers and products it changed. A day whose whole rebuild is ~5k lines at 1M orders, where
-- a customer change dated back re-points a few dozen. Such a day:
--   - has sales_cells rows and as many fact lines as they count (warehouse.agg_daily_sales, kept
--     equal to the facts in their transaction): nothing removed from it (a fact added or changed
--     is stamped, below);
--   - has no fact stamped by the load (fact_sales.sql stamps every fact it writes or changes;
--     re-pointing leaves the stamp).
-- Only for a load that recorded its touched days (ops.warehouse_loads.touched_days): a bulk load
-- or none ($1 NULL) rebuilds every touched day.
CREATE TEMP TABLE dashboard_diff_days ON
COMMIT
DROP AS
WITH
  days AS (
    SELECT
      ARRAY(
        SELECT
          date_key
        FROM
          pg_temp.dashboard_touched_days
      ) AS date_keys
  ),
  held AS (
    SELECT
      s.date_key,
      sum(s.lines) AS lines
    FROM
      dashboard.sales_cells s,
      days d
    WHERE
      s.category_id = 0
      AND s.date_key = ANY (d.date_keys)
    GROUP BY
      s.date_key
  ),
  stamped AS MATERIALIZED (
    SELECT DISTINCT
      f.date_key
    FROM
      warehouse.fact_sales f
    WHERE
      f.date_key = ANY (
        ARRAY(
          SELECT
            date_key
          FROM
            pg_temp.dashboard_touched_days
        )
      )
      -- Bounds the executor prunes fact_sales' month partitions by (the ANY alone scans them all).
      AND f.date_key BETWEEN (
        SELECT
          min(date_key)
        FROM
          pg_temp.dashboard_touched_days
      ) AND (
        SELECT
          max(date_key)
        FROM
          pg_temp.dashboard_touched_days
      )
      AND f.last_run_id = $1
  )
SELECT
  h.date_key
FROM
  held h
  JOIN warehouse.agg_daily_sales a ON a.date_key = h.date_key
  AND a.total_items = h.lines
WHERE
  EXISTS (
    SELECT
      1
    FROM
      ops.warehouse_loads l
    WHERE
      l.run_id = $1
      AND l.touched_days IS NOT NULL
  )
  AND NOT EXISTS (
    SELECT
      1
    FROM
      stamped s
    WHERE
      s.date_key = h.date_key
  )
