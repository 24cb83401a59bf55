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
-- When the run wrote every production order (a first load), the per-order sums are first compared
-- at once, by two weighted sums: each order's total_amount and each of its lines' line_total
-- weighted by the same 64-bit hash of its transaction_id (two hashes, two sums per side). An order
-- whose lines do not add up leaves its weight times the difference in the comparison, so the sums
-- agree only when every order adds up, but for a ~2^-64 chance that several differences cancel;
-- an order with no lines leaves its total, which is not 0 when no total is 0 (checked beside). One
-- scan of the orders and one of the lines, no grouping: at 1M orders 0.75-0.85 s against 1.8-1.9 s
-- for the per-order sums (rolled-back replays). When they agree, the per-order comparison is
-- skipped; otherwise it runs and counts and names every order that does not add up as always.
-- $1 run id; $2 whether the run wrote every production order (no order of another run:
-- quality/transform_wrote_every_order.sql, read by the gate before). A bind parameter, so the
-- planner leaves the sums out of any other run's plan: decided inside the statement, a delta's plan
-- still started their parallel workers (~10 ms) to sum nothing.
WITH
  quick AS (
    -- Every production line belongs to a production order (the foreign key), here all the run's.
    SELECT
      coalesce(
        o.orders > 0
        AND o.zero_totals = 0
        AND o.w0 = l.w0
        AND o.w1 = l.w1,
        false
      ) AS matched,
      o.orders,
      o.total AS expected,
      l.total AS actual
    FROM
      (
        SELECT
          count(*) AS orders,
          count(*) FILTER (
            WHERE
              t.total_amount = 0
          ) AS zero_totals,
          sum(hashtextextended (t.transaction_id, 0)::numeric * t.total_amount) AS w0,
          sum(hashtextextended (t.transaction_id, 1)::numeric * t.total_amount) AS w1,
          sum(t.total_amount) AS total
        FROM
          production.transactions t
        WHERE
          $2::boolean
      ) o,
      (
        SELECT
          sum(hashtextextended (i.transaction_id, 0)::numeric * i.line_total) AS w0,
          sum(hashtextextended (i.transaction_id, 1)::numeric * i.line_total) AS w1,
          sum(i.line_total) AS total
        FROM
          production.transaction_items i
        WHERE
          $2::boolean
      ) l
  ),
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
      AND NOT (
        SELECT
          matched
        FROM
          quick
      )
    UNION ALL
    SELECT
      t.transaction_id,
      t.total_amount
    FROM
      production.transactions t
    WHERE
      t.last_run_id IS DISTINCT FROM $1
      AND NOT (
        SELECT
          matched
        FROM
          quick
      )
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
  CASE
    WHEN (
      SELECT
        matched
      FROM
        quick
    ) THEN (
      SELECT
        orders
      FROM
        quick
    )
    ELSE count(*)
  END AS rows_checked,
  count(*) FILTER (
    WHERE
      o.lines = 0
      OR o.total_amount <> o.lines_total
  ) AS violations,
  CASE
    WHEN (
      SELECT
        matched
      FROM
        quick
    ) THEN (
      SELECT
        expected
      FROM
        quick
    )
    ELSE coalesce(sum(o.total_amount), 0)
  END AS expected,
  CASE
    WHEN (
      SELECT
        matched
      FROM
        quick
    ) THEN (
      SELECT
        actual
      FROM
        quick
    )
    ELSE coalesce(sum(o.lines_total), 0)
  END AS actual,
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
