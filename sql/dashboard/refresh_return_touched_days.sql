-- The days whose return rows (dashboard.return_days) a refresh after load $1 rebuilds:
--   - the touched days of the sales (pg_temp.dashboard_touched_days, refresh_touched_days.sql),
--     which hold the days of every return the load wrote (record_load.sql adds them to the
--     load's touched_days) and, for a bulk load, the days of its returns by last_run_id;
--   - days of the returns of customers whose history the load changed, from the earliest change
--     on (a return is placed by the customer version valid on its day, as a sale);
--   - every day of the returns of products the load changed: the product's category on the day,
--     and its code (a product new to the warehouse gives its earlier returns one);
--   - days whose return count no longer matches the summaries' (a return that moved to another
--     day leaves nothing behind to find it by). Reads every return and return row: a fraction of
--     the sales at most, nothing for a shop without returns.
-- A day listed needlessly costs time only; a day missed would leave a wrong summary.
CREATE TEMP TABLE dashboard_return_touched_days ON
COMMIT
DROP AS
SELECT
  t.date_key
FROM
  pg_temp.dashboard_touched_days t
UNION
SELECT
  r.date_key
FROM
  warehouse.fact_returns r
WHERE
  r.last_run_id = $1
UNION
SELECT
  r.date_key
FROM
  (
    SELECT
      customer_id,
      min(effective_date) AS since
    FROM
      warehouse.customer_changes
    WHERE
      run_id = $1
    GROUP BY
      customer_id
  ) AS ch
  JOIN warehouse.fact_returns r ON r.customer_id = ch.customer_id
  AND r.return_date >= ch.since
UNION
SELECT
  r.date_key
FROM
  (
    SELECT DISTINCT
      product_id
    FROM
      warehouse.product_changes
    WHERE
      run_id = $1
  ) AS ch
  JOIN warehouse.fact_returns r ON r.product_id = ch.product_id
UNION
SELECT
  coalesce(f.date_key, s.date_key)
FROM
  (
    SELECT
      date_key,
      count(*) AS lines
    FROM
      warehouse.fact_returns
    GROUP BY
      date_key
  ) AS f
  FULL JOIN (
    SELECT
      date_key,
      sum(lines) AS lines
    FROM
      dashboard.return_days
    GROUP BY
      date_key
  ) AS s ON s.date_key = f.date_key
WHERE
  f.lines IS DISTINCT FROM s.lines
