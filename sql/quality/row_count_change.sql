-- row_count_change: this run's staged rows of one entity against the rows the previous succeeded
-- run of the same mode landed (ops.file_accounting keeps that count after staging is cleaned).
-- One comparison: rows_checked 1, violations 1 when the change exceeds $3 percent (any rows after
-- an empty previous run count as a change). No previous run: nothing to compare, rows_checked 0.
-- Nor when this run had no file of the entity at all (a folder of new orders only has no
-- customers.csv): it delivered nothing to compare, which is not a drop to zero. A file of zero
-- rows is still compared.
-- Template: {{table}} the staging table. $1 run id, $2 entity, $3 max change in percent.
WITH
  this_run AS (
    SELECT
      r.mode,
      r.created_at
    FROM
      ops.runs r
    WHERE
      r.run_id = $1
  ),
  delivered AS (
    SELECT
      t.*
    FROM
      this_run t
    WHERE
      EXISTS (
        SELECT
          1
        FROM
          {{table}}
        WHERE
          {{run_filter}}
      )
      OR EXISTS (
        SELECT
          1
        FROM
          ops.file_accounting f
        WHERE
          f.run_id = $1
          AND f.entity = $2
      )
  ),
  previous AS (
    SELECT
      p.run_id,
      sum(f.rows_landed) AS row_count
    FROM
      delivered t
      JOIN ops.runs p ON p.mode = t.mode
      AND p.status = 'succeeded'
      AND p.created_at < t.created_at
      JOIN ops.file_accounting f ON f.run_id = p.run_id
      AND f.entity = $2
    GROUP BY
      p.run_id,
      p.created_at
    ORDER BY
      p.created_at DESC,
      p.run_id DESC
    LIMIT
      1
  ),
  counted AS MATERIALIZED (
    -- The run's rows are counted only when there is a previous run to compare with (a first load
    -- has none: 2.5M order lines not counted for nothing).
    SELECT
      p.run_id AS previous_run,
      p.row_count AS previous_count,
      (
        SELECT
          count(*)
        FROM
          {{table}}
        WHERE
          {{run_filter}}
      ) AS current_count
    FROM
      delivered t
      CROSS JOIN previous p
  ),
  compared AS (
    SELECT
      c.*,
      CASE
        WHEN c.previous_count > 0 THEN round(100.0 * (c.current_count - c.previous_count) / c.previous_count, 2)
      END AS change_pct
    FROM
      counted c
  ),
  judged AS (
    SELECT
      *,
      coalesce(abs(change_pct) > $3::numeric, current_count > 0) AS violated
    FROM
      compared
  )
SELECT
  count(*) AS rows_checked,
  count(*) FILTER (
    WHERE
      violated
  ) AS violations,
  coalesce(
    array_agg(
      format(
        '%s: %s -> %s rows (%s%%)',
        previous_run,
        previous_count,
        current_count,
        coalesce(change_pct::text, 'new')
      )
    ) FILTER (
      WHERE
        violated
    ),
    '{}'
  ) AS sample_ids
FROM
  judged;
