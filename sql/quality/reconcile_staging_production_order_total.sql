-- Reconciliation after transform: every production order the run touched equals its lines. An
-- order is touched when the run wrote (inserted or changed) its header or one of its lines
-- (last_run_id = the run);
-- its total_amount must equal the line_total sum of ALL its production lines (older runs' included)
-- to the cent, and it must have at least one line (docs/rejects.md "Orders add up").
-- rows_checked = orders checked; violations = orders that do not add up; expected = their
-- total_amount sum, actual = their lines' line_total sum; samples name the first ten orders.
-- Orders the run did not touch cannot have changed (the transform writes only what it stamps, and
-- it neither rewrites nor stamps a re-delivered identical row), so they are not read again, and an
-- order re-delivered unchanged with all its lines was checked by the run that last wrote it: at 1M
-- orders a full check costs more than the touched one (docs/quality.md).
-- Runs with enable_hashagg off (libs/pipeline quality-gate.ts): at a first load's 1M orders the
-- workers then sort and group their joined lines and the leader merges presorted groups, where
-- with hash aggregates the leader hashed all 1M orders again (~400 MB, spilling).
-- $1 run id.
WITH
  touched AS (
    -- Two disjoint sets, so no de-duplication: the orders the run stamped, and the other orders with
    -- a line it stamped. Not a materialized CTE: the planner then sees their sizes and hashes all
    -- lines for a first load, or probes the order index for a small run.
    SELECT
      t.transaction_id,
      t.total_amount
    FROM
      production.transactions t
    WHERE
      t.last_run_id = $1
    UNION ALL
    SELECT
      t.transaction_id,
      t.total_amount
    FROM
      production.transactions t
    WHERE
      t.last_run_id IS DISTINCT FROM $1
      AND EXISTS (
        SELECT
          1
        FROM
          production.transaction_items i
        WHERE
          i.transaction_id = t.transaction_id
          AND i.last_run_id = $1
      )
  ),
  orders AS (
    SELECT
      o.transaction_id,
      o.total_amount,
      count(i.item_id) AS lines,
      coalesce(sum(i.line_total), 0) AS lines_total
    FROM
      touched o
      LEFT JOIN production.transaction_items i ON i.transaction_id = o.transaction_id
    GROUP BY
      o.transaction_id,
      o.total_amount
  )
SELECT
  count(*) AS rows_checked,
  count(*) FILTER (
    WHERE
      o.lines = 0
      OR o.total_amount <> o.lines_total
  ) AS violations,
  coalesce(sum(o.total_amount), 0) AS expected,
  coalesce(sum(o.lines_total), 0) AS actual,
  coalesce(
    (
      array_agg(
        o.transaction_id
        ORDER BY
          o.transaction_id
      ) FILTER (
        WHERE
          o.lines = 0
          OR o.total_amount <> o.lines_total
      )
    ) [1:10],
    '{}'
  ) AS sample_ids
FROM
  orders o;
