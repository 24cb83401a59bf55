-- The production lines a warehouse load answers for, as four CTEs that both production -> warehouse
-- reconciliations (reconcile_production_warehouse_row_count.sql and _revenue_sum.sql) splice in at
-- their placeholder load_lines, so that both judge the same lines (a first load's sums they both
-- compare, first_load_sums.sql, read the same first_load_lines.sql):
-- - load: the load's record in ops.warehouse_loads (written earlier in the same stage);
-- - first_load_lines: a first load's lines, every line up to the load's watermarks;
-- - incremental_lines: those, or an incremental load's: the lines the load read (item or order
--   changed in its (from, to] window) and the lines the run wrote (last_run_id), as of the load's
--   watermarks. A line or order stamped after `to` is the next load's, which may not have run. A
--   line the run re-delivered unchanged is neither rewritten nor stamped by the transform, so the
--   load does not read it and its fact stays as the load that read it checked it;
-- - bulk: whether incremental_lines are many.
-- The lines with item_id, line_total and the order's date_key. The row count reads item_id alone:
-- where it reads incremental_lines the other two are not computed.
-- $1 run id, $2 the load's kind as quality/warehouse_load_kind.sql reads it from the same record
-- ('first', 'incremental', 'rebuild'; NULL: no load). A bind parameter, so the planner drops the
-- branches of the other kinds: read from the record inside the statement, every branch was planned
-- and initialised, and a delta's check paid for the rebuild branch's hash tables sized for all
-- 2.5M facts (~100 MB allocated at executor start, 0.1-0.3 s at 1M) and the first load's parallel
-- workers.
load AS (
  SELECT
    coalesce(items_from, '-infinity') AS items_from,
    items_to,
    coalesce(transactions_from, '-infinity') AS transactions_from,
    transactions_to
  FROM
    ops.warehouse_loads
  WHERE
    run_id = $1
),
first_load_lines AS NOT MATERIALIZED (
  -- quality/first_load_lines.sql, its watermarks subqueries on load, which parallel workers receive
  -- as parameters. Inlined where it is read (NOT MATERIALIZED): the per-line comparisons scan
  -- production with parallel workers instead of reading it back from a set the leader alone fills.
  {{first_load_lines}}
),
incremental_lines AS (
  -- Each branch only up to the watermarks of both tables: an order changed after `to` (maybe a new
  -- date, hence another partition) is the next load's as much as a changed line is. Later loads
  -- de-duplicate their three sets.
  SELECT
    item_id,
    line_total,
    date_key
  FROM
    first_load_lines
  UNION ALL
  (
    SELECT
      i.item_id,
      i.line_total,
      to_char(t.transaction_date, 'YYYYMMDD')::integer
    FROM
      production.transaction_items i
      -- Each line's order by its key (OFFSET 0 keeps this a per-line probe): as a join, the planner
      -- reads every order up to the watermark into a hash for a day's lines (~0.35 s at 1M orders).
      CROSS JOIN LATERAL (
        SELECT
          t.transaction_date
        FROM
          production.transactions t
        WHERE
          t.transaction_id = i.transaction_id
          AND t.updated_at <= (
            SELECT
              transactions_to
            FROM
            load
          )
        OFFSET
          0
      ) t
      -- The bounds as subqueries, not a join with load: joined, the planner could not see that the
      -- window is a day's sliver and hashed all of both tables (~0.6 s at 1M orders).
    WHERE
      i.updated_at > (
        SELECT
          items_from
        FROM
        load
      )
      AND i.updated_at <= (
        SELECT
          items_to
        FROM
        load
      )
      AND $2::text = 'incremental'
    UNION
    SELECT
      i.item_id,
      i.line_total,
      to_char(t.transaction_date, 'YYYYMMDD')::integer
    FROM
      production.transactions t
      -- The order's lines by its key (OFFSET 0 keeps this a per-order probe): as a join, the bound
      -- below is a filter whose selectivity the planner guesses (a third of all lines), and without
      -- parallel workers it hashed all 2.5M lines for a day's 2k orders (~0.4 s at 1M orders).
      CROSS JOIN LATERAL (
        SELECT
          i.item_id,
          i.line_total
        FROM
          production.transaction_items i
        WHERE
          i.transaction_id = t.transaction_id
          AND i.updated_at <= (
            SELECT
              items_to
            FROM
            load
          )
        OFFSET
          0
      ) i
      -- A first load's windows start at -infinity: the first branch already holds every line of
      -- this one and the next, so they are skipped rather than joined and de-duplicated.
    WHERE
      t.updated_at > (
        SELECT
          transactions_from
        FROM
        load
      )
      AND t.updated_at <= (
        SELECT
          transactions_to
        FROM
        load
      )
      AND $2::text = 'incremental'
    UNION
    SELECT
      i.item_id,
      i.line_total,
      to_char(t.transaction_date, 'YYYYMMDD')::integer
    FROM
      production.transaction_items i
      JOIN production.transactions t ON t.transaction_id = i.transaction_id
      AND t.updated_at <= (
        SELECT
          transactions_to
        FROM
        load
      )
    WHERE
      i.last_run_id = $1
      AND i.updated_at <= (
        SELECT
          items_to
        FROM
        load
      )
      AND $2::text = 'incremental'
  )
),
bulk AS (
  -- Which way the hosts find the facts of incremental_lines; both find the same facts. Per line, a
  -- probe of fact_sales by item_id (~20 µs: ~0.1 s for a 1M warehouse's daily delta of ~5k lines,
  -- ~5 s for the 250k lines of a 100k first load), or one hash join of every fact (~1 µs a fact:
  -- ~0.3 s for those 250k, ~7 s for the 12.4M facts of 5M orders). The planner cannot weigh this
  -- (it would hash every partition for a few thousand lines too), so the set is bulk when it holds
  -- more than a twentieth of the facts, as the partitions' statistics count them, and never below
  -- 10,000 lines (also when no partition has statistics yet). With a fixed 10,000, a daily delta of
  -- a 5M warehouse (~28k lines) hashed all facts in both checks: 7.3 + 7.5 s, where probes take
  -- ~0.5 s each.
  SELECT
    count(*) > greatest(
      10000,
      (
        SELECT
          sum(greatest(c.reltuples, 0)) / 20
        FROM
          pg_inherits h
          JOIN pg_class c ON c.oid = h.inhrelid
        WHERE
          h.inhparent = 'warehouse.fact_sales'::regclass
      )
    ) AS yes
  FROM
    incremental_lines
)
