-- The SCD type 2 versions the touched customers should have, derived from their change log, set
-- beside the versions dim_customers holds: dim_customers.sql applies the difference and
-- fact_sales_repoint.sql re-points the facts of every version listed here. For this transaction only.
-- $1 run id; $2 true for a rebuild (every customer), else the customers whose log run $1 wrote.
--
-- Tracked (a change opens a version): email, city, state, country, age_group.
-- Type 1 (overwritten on every version, never opens one): full_name, registration_date — a
-- corrected name is a correction, not history. customer_segment is type 1 too (customer_segments.sql).
-- Version i runs from its state's effective date to the next version's (the last to 9999-12-31,
-- and it is the current one), so a customer's versions have no gaps and no overlaps by construction.
CREATE TEMP TABLE warehouse_customer_versions ON
COMMIT
DROP AS
WITH
  touched AS (
    SELECT DISTINCT
      customer_id
    FROM
      warehouse.customer_changes
    WHERE
      $2::boolean
      OR run_id = $1
  ),
  -- A delta's touched customers (~1k) are probed by key, in the log's and the dimension's
  -- (customer_id, ...) indexes; a rebuild ($2, every customer) reads both whole. As semi-joins the
  -- planner, without statistics on either table (autovacuum off), read all ~100k rows of each for
  -- a delta (~50 ms at 1M). $2 is a bind parameter, so the other branch is planned away.
  logged AS (
    SELECT
      l.*
    FROM
      warehouse.customer_changes l
    WHERE
      $2::boolean
      AND l.customer_id IN (
        SELECT
          customer_id
        FROM
          touched
      )
    UNION ALL
    SELECT
      l.*
    FROM
      touched t
      CROSS JOIN LATERAL (
        SELECT
          l.*
        FROM
          warehouse.customer_changes l
        WHERE
          l.customer_id = t.customer_id
        OFFSET
          0
      ) l
    WHERE
      NOT $2::boolean
  ),
  states AS (
    SELECT
      l.*,
      row_number() OVER w = 1
      OR (l.email, l.city, l.state, l.country, l.age_group) IS DISTINCT FROM (
        lag(l.email) OVER w,
        lag(l.city) OVER w,
        lag(l.state) OVER w,
        lag(l.country) OVER w,
        lag(l.age_group) OVER w
      ) AS opens_version,
      last_value(l.full_name) OVER whole AS latest_full_name,
      last_value(l.registration_date) OVER whole AS latest_registration_date
    FROM
      logged l
    WINDOW
      w AS (
        PARTITION BY
          l.customer_id
        ORDER BY
          l.effective_date
      ),
      whole AS (
        PARTITION BY
          l.customer_id
        ORDER BY
          l.effective_date ROWS BETWEEN UNBOUNDED PRECEDING
          AND UNBOUNDED FOLLOWING
      )
  ),
  desired AS (
    SELECT
      s.customer_id,
      s.effective_date,
      coalesce(
        lead(s.effective_date) OVER (
          PARTITION BY
            s.customer_id
          ORDER BY
            s.effective_date
        ),
        DATE '9999-12-31'
      ) AS end_date,
      s.latest_full_name AS full_name,
      s.email,
      s.city,
      s.state,
      s.country,
      s.age_group,
      s.latest_registration_date AS registration_date
    FROM
      states s
    WHERE
      s.opens_version
  ),
  existing AS (
    SELECT
      d.*
    FROM
      warehouse.dim_customers d
    WHERE
      $2::boolean
      AND d.customer_id IN (
        SELECT
          customer_id
        FROM
          touched
      )
      AND d.customer_key <> -1
    UNION ALL
    SELECT
      d.*
    FROM
      touched t
      CROSS JOIN LATERAL (
        SELECT
          d.*
        FROM
          warehouse.dim_customers d
        WHERE
          d.customer_id = t.customer_id
          AND d.customer_key <> -1
        OFFSET
          0
      ) d
    WHERE
      NOT $2::boolean
  )
SELECT
  coalesce(v.customer_id, e.customer_id) AS customer_id,
  coalesce(v.effective_date, e.effective_date) AS effective_date,
  e.customer_key AS existing_key,
  v.customer_id IS NOT NULL AS desired,
  v.end_date,
  v.end_date = DATE '9999-12-31' AS is_current,
  v.full_name,
  v.email,
  v.city,
  v.state,
  v.country,
  v.age_group,
  v.registration_date,
  (
    e.full_name,
    e.email,
    e.city,
    e.state,
    e.country,
    e.age_group,
    e.registration_date,
    e.end_date,
    e.is_current
  ) IS DISTINCT FROM (
    v.full_name,
    v.email,
    v.city,
    v.state,
    v.country,
    v.age_group,
    v.registration_date,
    v.end_date,
    v.end_date = DATE '9999-12-31'
  ) AS changed
FROM
  desired v
  FULL JOIN existing e ON e.customer_id = v.customer_id
  AND e.effective_date = v.effective_date
