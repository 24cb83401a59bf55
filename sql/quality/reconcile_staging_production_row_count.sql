-- Reconciliation after transform, per entity: every staged row of the run is either delivered to
-- production or quarantined by the transform with a reason (docs/contract.md section 3):
-- staged = delivered + rejected. Delivered: the production rows the run wrote (inserted or
-- changed: last_run_id = the run) and those it re-delivered unchanged (their key among the run's
-- kept lines, left as they were: the transform does not rewrite an identical row, docs/architecture.md).
-- Violations are counted per key, so a missing row and a surplus one elsewhere cannot cancel out:
-- per record key |staged lines the transform kept - production rows delivered| (a key keeps one
-- line, its latest valid one; the others are rejected), plus lines rejected twice
-- and rejects that name no staged line. expected = staged rows, actual = delivered + rejected.
-- A run that staged nothing of the entity (a replay of some files, a rebuild) checks 0 rows.
-- Runs inside the transform's transaction, right after its upserts: the rows it wrote are still
-- locked by it, and the ones it found identical (left out of the upsert, unlocked) no other run
-- has changed since: one run at a time (docs/operations.md), and the transform alone writes them.
-- Cost: first one scan of the staged lines (the run's few rejects hashed beside it) and one of the
-- delivered rows, comparing the multisets of kept and delivered keys by count and two independent
-- 64-bit hash sums (equal only when the multisets are, but for a chance of ~2^-64). When they are
-- equal, no lines were rejected twice and every reject names a staged line, there is no gap and
-- the per-key comparison is skipped; otherwise it runs and counts and names every gap as below.
-- At 1M orders the per-key comparison of 2.5M lines took ~10 s of CPU; the sums take ~2 s.
-- The rows the run wrote are summed first; only when they alone do not balance (a re-delivery)
-- are all production rows summed (a re-delivery of everything balances there), and only when
-- neither does are the kept keys joined to production to find the rows re-delivered unchanged.
-- Template: {{table}} the run's staged rows (typed table or staging; run_filter picks the run's),
-- trimmed_key its key trimmed, {{production_table}} production table, {{key}} the entity's
-- key. $1 run id, $2 entity (as ops.quarantine names it).
WITH
  rejected AS NOT MATERIALIZED (
    -- The run's rejects, read through the quarantine's run index where used. Not materialized (nor
    -- rejections): a CTE scan keeps its readers on one core, inline the staged lines' totals run on
    -- both (1M orders, order lines: 1.4 -> 0.8 s).
    SELECT
      source_file,
      source_line,
      record_key
    FROM
      ops.quarantine
    WHERE
      run_id = $1
      AND stage = 'transform'
      AND entity = $2
  ),
  rejections AS NOT MATERIALIZED (
    SELECT
      source_file,
      source_line,
      count(*) AS n
    FROM
      rejected
    GROUP BY
      source_file,
      source_line
  ),
  lines AS NOT MATERIALIZED (
    -- Read where used (a scan is cheaper than storing every line), so the planner sees the table.
    SELECT
      s.source_file,
      s.source_line,
      nullif({{trimmed_key}}, '') AS record_key,
      r.n AS rejections
    FROM
      {{table}} s
      LEFT JOIN rejections r ON r.source_file = s.source_file
      AND r.source_line = s.source_line
    WHERE
      {{run_filter}}
  ),
  per_key AS (
    -- Blank keys fall into one group that matches no production row: every such kept line is a gap.
    SELECT
      record_key,
      count(*) FILTER (
        WHERE
          rejections IS NULL
      ) AS kept_lines,
      min(source_file || ':' || source_line) FILTER (
        WHERE
          rejections IS NULL
          AND record_key IS NULL
      ) AS first_line
    FROM
      lines
    GROUP BY
      record_key
  ),
  written AS NOT MATERIALIZED (
    SELECT
      {{key}} AS record_key
    FROM
      {{production_table}}
    WHERE
      last_run_id = $1
  ),
  redelivered AS NOT MATERIALIZED (
    -- Rows the run re-delivered unchanged: a kept key whose production row another run wrote.
    SELECT
      p.{{key}} AS record_key
    FROM
      {{production_table}} p
    WHERE
      p.last_run_id <> $1
      AND p.{{key}} IN (
        SELECT
          record_key
        FROM
          lines
        WHERE
          rejections IS NULL
      )
  ),
  delivered AS NOT MATERIALIZED (
    SELECT
      record_key
    FROM
      written
    UNION ALL
    SELECT
      record_key
    FROM
      redelivered
  ),
  totals AS MATERIALIZED (
    SELECT
      count(*) AS staged,
      coalesce(sum(rejections), 0) AS rejects_matched,
      count(*) FILTER (
        WHERE
          rejections > 1
      ) AS rejected_twice,
      count(*) FILTER (
        WHERE
          rejections IS NULL
      ) AS kept,
      count(*) FILTER (
        WHERE
          rejections IS NULL
          AND record_key IS NULL
      ) AS kept_blank,
      coalesce(
        sum(hashtextextended (record_key, 1)) FILTER (
          WHERE
            rejections IS NULL
        ),
        0
      ) AS kept_hash_1,
      coalesce(
        sum(hashtextextended (record_key, 2)) FILTER (
          WHERE
            rejections IS NULL
        ),
        0
      ) AS kept_hash_2
    FROM
      lines
  ),
  written_totals AS MATERIALIZED (
    SELECT
      count(*) AS delivered,
      coalesce(sum(hashtextextended (record_key, 1)), 0) AS hash_1,
      coalesce(sum(hashtextextended (record_key, 2)), 0) AS hash_2
    FROM
      written
  ),
  redelivered_totals AS MATERIALIZED (
    -- Read only when the written rows alone do not balance (the CASE below).
    SELECT
      count(*) AS delivered,
      coalesce(sum(hashtextextended (record_key, 1)), 0) AS hash_1,
      coalesce(sum(hashtextextended (record_key, 2)), 0) AS hash_2
    FROM
      redelivered
  ),
  written_check AS MATERIALIZED (
    SELECT
      t.kept = w.delivered
      AND t.kept_hash_1 = w.hash_1
      AND t.kept_hash_2 = w.hash_2 AS balanced
    FROM
      written_totals w
      CROSS JOIN totals t
  ),
  everything_totals AS MATERIALIZED (
    -- Read only when the written rows alone do not balance. Kept keys equal to all of production
    -- (a re-delivery of everything, the bench's run 2) mean every row was delivered: one scan, no join.
    SELECT
      count(*) AS delivered,
      coalesce(sum(hashtextextended ({{key}}, 1)), 0) AS hash_1,
      coalesce(sum(hashtextextended ({{key}}, 2)), 0) AS hash_2
    FROM
      {{production_table}}
  ),
  everything_check AS MATERIALIZED (
    SELECT
      t.kept = e.delivered
      AND t.kept_hash_1 = e.hash_1
      AND t.kept_hash_2 = e.hash_2 AS balanced
    FROM
      everything_totals e
      CROSS JOIN totals t
  ),
  delivered_totals AS MATERIALIZED (
    -- The first of: the written rows, all of production, the written plus the re-delivered rows
    -- found by key (a join of every kept key: ~40 s for 2.5M lines on a loaded machine). Each later
    -- branch is read only when the ones before it do not balance (one-time filters).
    SELECT
      w.delivered,
      w.hash_1,
      w.hash_2
    FROM
      written_totals w
    WHERE
      (
        SELECT
          balanced
        FROM
          written_check
      )
    UNION ALL
    SELECT
      e.delivered,
      e.hash_1,
      e.hash_2
    FROM
      everything_totals e
    WHERE
      NOT (
        SELECT
          balanced
        FROM
          written_check
      )
      AND (
        SELECT
          balanced
        FROM
          everything_check
      )
    UNION ALL
    SELECT
      w.delivered + r.delivered,
      w.hash_1 + r.hash_1,
      w.hash_2 + r.hash_2
    FROM
      written_totals w
      CROSS JOIN redelivered_totals r
    WHERE
      NOT (
        SELECT
          balanced
        FROM
          written_check
      )
      AND NOT (
        SELECT
          balanced
        FROM
          everything_check
      )
  ),
  verdict AS MATERIALIZED (
    SELECT
      t.staged,
      d.delivered,
      (
        SELECT
          count(*)
        FROM
          rejected
      ) AS rejected,
      t.kept_blank = 0
      AND t.rejected_twice = 0
      AND t.rejects_matched = (
        SELECT
          count(*)
        FROM
          rejected
      )
      AND t.kept = d.delivered
      AND t.kept_hash_1 = d.hash_1
      AND t.kept_hash_2 = d.hash_2 AS balanced
    FROM
      totals t
      CROSS JOIN delivered_totals d
  ),
  gaps AS MATERIALIZED (
    SELECT
      coalesce(k.record_key, d.record_key, k.first_line) AS record_id,
      abs(
        coalesce(k.kept_lines, 0) - CASE
          WHEN d.record_key IS NULL THEN 0
          ELSE 1
        END
      ) AS n
    FROM
      per_key k
      FULL JOIN delivered d ON d.record_key = k.record_key
    UNION ALL
    -- Lines rejected more than once (none, normally: then the staged rows are not read again).
    SELECT
      coalesce(nullif({{trimmed_key}}, ''), s.source_file || ':' || s.source_line),
      r.n - 1
    FROM
      rejections r
      JOIN {{table}} s ON s.source_file = r.source_file
      AND s.source_line = r.source_line
      AND {{run_filter}}
    WHERE
      r.n > 1
      AND (
        SELECT
          rejected_twice
        FROM
          totals
      ) > 0
    UNION ALL
    -- Rejects that name no staged line: looked for only when the matched ones do not add up.
    SELECT
      coalesce(r.record_key, r.source_file || ':' || r.source_line),
      1
    FROM
      rejected r
    WHERE
      (
        SELECT
          count(*)
        FROM
          rejected
      ) <> (
        SELECT
          rejects_matched
        FROM
          totals
      )
      AND (
        r.source_file IS NULL
        OR r.source_line IS NULL
        OR NOT EXISTS (
          SELECT
            1
          FROM
            {{table}} s
          WHERE
            {{run_filter}}
            AND s.source_file = r.source_file
            AND s.source_line = r.source_line
        )
      )
  )
  -- gaps is read (and computed) only when the sums do not balance.
SELECT
  v.staged AS rows_checked,
  CASE
    WHEN v.balanced THEN 0
    ELSE (
      SELECT
        coalesce(sum(n), 0)
      FROM
        gaps
    )
  END AS violations,
  v.staged AS expected,
  v.delivered + v.rejected AS actual,
  CASE
    WHEN v.balanced THEN '{}'::text[]
    ELSE (
      SELECT
        coalesce(
          (
            array_agg(
              DISTINCT record_id
              ORDER BY
                record_id
            ) FILTER (
              WHERE
                n > 0
            )
          ) [1:10],
          '{}'
        )
      FROM
        gaps
    )
  END AS sample_ids
FROM
  verdict v;
