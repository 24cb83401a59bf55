-- The rows agg_customer_metrics.sql writes: for the customer versions this load touched, or for
-- all of them when $1 (a rebuild or a bulk load) is true; agg_customer_metrics.sql says what they
-- mean. A CREATE TABLE AS of its own, not a CTE of the upsert: an INSERT never gets parallel
-- workers, this SELECT can. For this transaction only.
-- Whole: the sum of each version's days in agg_customer_daily (agg_customer_daily.sql runs first).
-- Touched: a version's stored metrics plus the change of its touched days (fresh rows less the
-- rows they had, agg_customer_daily_before.sql): counts and two-decimal sums add exactly, and the
-- stored row is the sum of the version's days unless agg_customer_metrics_stale lists it (a month
-- dropped under it, migration 0055), in which case, or with no stored row, its days are summed.
-- The first and last purchase move the same way: the stored first day, unless its row is gone
-- (a touched day the fresh rows no longer hold), stays the first unless a fresh day comes earlier;
-- likewise the last. Only a version whose stored first or last day is gone reads its first or last
-- day left in agg_customer_daily (a descent of its primary key); a summed version takes them from
-- its sum. Summing the days of the ~2,300 versions a one-day delta touches read ~85k daily rows
-- spread over the table (70-110 ms of CPU at 1M orders); two descents for each of them read ~1,200
-- heap pages of agg_customer_daily (its visibility map is never set) to find days already known.
CREATE TEMP TABLE warehouse_customer_metrics_fresh ON
COMMIT
DROP AS
WITH
  touched AS (
    SELECT DISTINCT
      customer_key
    FROM
      pg_temp.warehouse_touched
    WHERE
      NOT $1::boolean
      AND customer_key IS NOT NULL
  ),
  whole AS (
    SELECT
      d.customer_key,
      sum(d.transactions)::int AS total_transactions,
      sum(d.revenue) AS total_spent,
      -- date_key orders as its date does
      min(d.date_key) AS first_date_key,
      max(d.date_key) AS last_date_key
    FROM
      warehouse.agg_customer_daily d
    WHERE
      $1::boolean
    GROUP BY
      d.customer_key
  ),
  stored AS (
    -- = ANY of an array, not IN: the keys become an index condition on the primary key instead of
    -- a hashed filter over every row.
    SELECT
      a.customer_key,
      a.total_transactions,
      a.total_spent,
      -- date_key orders as its date does
      to_char(a.first_purchase_date, 'YYYYMMDD')::integer AS first_date_key,
      to_char(a.last_purchase_date, 'YYYYMMDD')::integer AS last_date_key
    FROM
      warehouse.agg_customer_metrics a
    WHERE
      a.customer_key = ANY (
        ARRAY(
          SELECT
            customer_key
          FROM
            touched
        )
      )
      AND NOT EXISTS (
        SELECT
          1
        FROM
          warehouse.agg_customer_metrics_stale s
        WHERE
          s.customer_key = a.customer_key
      )
  ),
  change AS (
    SELECT
      customer_key,
      sum(transactions) AS transactions,
      sum(revenue) AS revenue,
      min(fresh_date_key) AS fresh_first_date_key,
      max(fresh_date_key) AS fresh_last_date_key
    FROM
      (
        SELECT
          customer_key,
          transactions,
          revenue,
          date_key AS fresh_date_key
        FROM
          pg_temp.warehouse_customer_daily_fresh
        UNION ALL
        SELECT
          customer_key,
          - transactions,
          - revenue,
          NULL
        FROM
          pg_temp.warehouse_customer_daily_before
      ) c
    GROUP BY
      customer_key
  ),
  gone AS (
    -- The touched days whose row agg_customer_daily.sql deleted: they had one, the fresh rows do not.
    SELECT
      b.customer_key,
      b.date_key
    FROM
      pg_temp.warehouse_customer_daily_before b
    EXCEPT
    SELECT
      f.customer_key,
      f.date_key
    FROM
      pg_temp.warehouse_customer_daily_fresh f
  ),
  resummed AS (
    -- Touched versions without a stored row to add to: new, or listed as stale.
    SELECT
      d.customer_key,
      sum(d.transactions) AS total_transactions,
      sum(d.revenue) AS total_spent,
      min(d.date_key) AS first_date_key,
      max(d.date_key) AS last_date_key,
      false AS first_gone,
      false AS last_gone
    FROM
      warehouse.agg_customer_daily d
    WHERE
      d.customer_key = ANY (
        ARRAY(
          SELECT
            customer_key
          FROM
            touched
          EXCEPT
          SELECT
            customer_key
          FROM
            stored
        )
      )
    GROUP BY
      d.customer_key
  ),
  per_version AS (
    -- least() and greatest() skip NULL: a version without fresh rows keeps its stored days.
    SELECT
      s.customer_key,
      s.total_transactions + coalesce(c.transactions, 0) AS total_transactions,
      s.total_spent + coalesce(c.revenue, 0) AS total_spent,
      least(s.first_date_key, c.fresh_first_date_key) AS first_date_key,
      greatest(s.last_date_key, c.fresh_last_date_key) AS last_date_key,
      (s.customer_key, s.first_date_key) IN (
        SELECT
          customer_key,
          date_key
        FROM
          gone
      ) AS first_gone,
      (s.customer_key, s.last_date_key) IN (
        SELECT
          customer_key,
          date_key
        FROM
          gone
      ) AS last_gone
    FROM
      stored s
      LEFT JOIN change c ON c.customer_key = s.customer_key
    UNION ALL
    SELECT
      customer_key,
      total_transactions,
      total_spent,
      first_date_key,
      last_date_key,
      first_gone,
      last_gone
    FROM
      resummed
  ),
  touched_versions AS (
    -- A version whose days are all gone has no transactions left, hence no row.
    -- The descents run only for a gone first or last day (a condition on the outer row alone,
    -- which the planner checks before it starts the scan).
    SELECT
      v.customer_key,
      v.total_transactions::int AS total_transactions,
      v.total_spent,
      CASE
        WHEN v.first_gone THEN first_day.date_key
        ELSE v.first_date_key
      END AS first_date_key,
      CASE
        WHEN v.last_gone THEN last_day.date_key
        ELSE v.last_date_key
      END AS last_date_key
    FROM
      per_version v
      LEFT JOIN LATERAL (
        SELECT
          d.date_key
        FROM
          warehouse.agg_customer_daily d
        WHERE
          v.first_gone
          AND d.customer_key = v.customer_key
        ORDER BY
          d.date_key
        LIMIT
          1
      ) first_day ON true
      LEFT JOIN LATERAL (
        SELECT
          d.date_key
        FROM
          warehouse.agg_customer_daily d
        WHERE
          v.last_gone
          AND d.customer_key = v.customer_key
        ORDER BY
          d.date_key DESC
        LIMIT
          1
      ) last_day ON true
    WHERE
      v.total_transactions > 0
  ),
  per_version_all AS (
    SELECT
      *
    FROM
      whole
    UNION ALL
    SELECT
      *
    FROM
      touched_versions
  )
SELECT
  v.customer_key,
  v.total_transactions,
  v.total_spent,
  round(v.total_spent / v.total_transactions, 2) AS avg_order_value,
  first_day.full_date AS first_purchase_date,
  last_day.full_date AS last_purchase_date
FROM
  per_version_all v
  JOIN warehouse.dim_date first_day ON first_day.date_key = v.first_date_key
  JOIN warehouse.dim_date last_day ON last_day.date_key = v.last_date_key
