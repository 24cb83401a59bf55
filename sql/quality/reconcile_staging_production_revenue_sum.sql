-- Reconciliation after transform: the revenue of the order lines the transform accepted (staged
-- lines it did not quarantine, line_total as production stores it, numeric(12,2)) equals the
-- line_total of the production lines the run delivered: those it wrote (inserted or changed:
-- last_run_id = the run) and those it re-delivered unchanged (an accepted item_id whose production
-- line another run wrote; the transform does not rewrite an identical row). The written lines are
-- summed first; only when they alone do not balance all production lines (a re-delivery of
-- everything balances there), and only when neither does are the accepted items joined to production.
-- Compared per item_id (when the hash sums below do not balance), so amounts cannot cancel out: violations = sum of |accepted - delivered|
-- per line, in money (a line on one side only counts its whole amount); rows_checked = lines
-- compared; expected = accepted revenue, actual = delivered revenue; samples name lines whose
-- amounts differ or are missing on one side. A run that staged no order lines checks 0 rows.
-- Template: {{table}} the run's staged order lines (typed table or staging; run_filter picks the
-- run's), {{trimmed_item}} their item_id trimmed (a typed table's is already), {{line_total}}
-- line_total parsed. $1 run id.
WITH
  rejected AS NOT MATERIALIZED (
    -- The run's order-line rejects, hashed beside the scan of the staged lines. Not materialized: a
    -- CTE scan keeps its readers on one core, inline the accepted lines' sums run on both (1M
    -- orders, first load: 3.4 -> 2.3 s).
    SELECT DISTINCT
      source_file,
      source_line
    FROM
      ops.quarantine
    WHERE
      run_id = $1
      AND stage = 'transform'
      AND entity = 'transaction_items'
  ),
  accepted_lines AS NOT MATERIALIZED (
    SELECT
      nullif({{trimmed_item}}, '') AS item_id,
      CASE
        WHEN abs({{line_total}}) < 9999999999.995 THEN {{line_total}}::numeric(12, 2)
      END AS line_total
    FROM
      {{table}} s
      LEFT JOIN rejected q ON q.source_file = s.source_file
      AND q.source_line = s.source_line
    WHERE
      {{run_filter}}
      AND q.source_file IS NULL
  ),
  accepted AS (
    SELECT
      item_id,
      sum(line_total) AS line_total
    FROM
      accepted_lines
    GROUP BY
      1
  ),
  written AS NOT MATERIALIZED (
    SELECT
      item_id,
      line_total
    FROM
      production.transaction_items
    WHERE
      last_run_id = $1
  ),
  redelivered AS NOT MATERIALIZED (
    SELECT
      p.item_id,
      p.line_total
    FROM
      production.transaction_items p
    WHERE
      p.last_run_id <> $1
      AND p.item_id IN (
        SELECT
          item_id
        FROM
          accepted_lines
      )
  ),
  delivered AS NOT MATERIALIZED (
    SELECT
      item_id,
      line_total
    FROM
      written
    UNION ALL
    SELECT
      item_id,
      line_total
    FROM
      redelivered
  ),
  accepted_sums AS MATERIALIZED (
    SELECT
      count(*) AS lines,
      count(*) FILTER (
        WHERE
          item_id IS NULL
          OR line_total IS NULL
      ) AS blank,
      coalesce(sum(line_total), 0) AS revenue,
      coalesce(sum(hashtextextended (item_id, hash_numeric_extended (line_total, 0 + (line_total < 0)::int))), 0) AS hash_1,
      coalesce(sum(hashtextextended (item_id, hash_numeric_extended (line_total, 2 + (line_total < 0)::int))), 0) AS hash_2
    FROM
      accepted_lines
  ),
  written_sums AS MATERIALIZED (
    SELECT
      count(*) AS lines,
      coalesce(sum(line_total), 0) AS revenue,
      coalesce(sum(hashtextextended (item_id, hash_numeric_extended (line_total, 0 + (line_total < 0)::int))), 0) AS hash_1,
      coalesce(sum(hashtextextended (item_id, hash_numeric_extended (line_total, 2 + (line_total < 0)::int))), 0) AS hash_2
    FROM
      written
  ),
  redelivered_sums AS MATERIALIZED (
    -- Read only when the written lines alone do not balance (the CASE below).
    SELECT
      count(*) AS lines,
      coalesce(sum(line_total), 0) AS revenue,
      coalesce(sum(hashtextextended (item_id, hash_numeric_extended (line_total, 0 + (line_total < 0)::int))), 0) AS hash_1,
      coalesce(sum(hashtextextended (item_id, hash_numeric_extended (line_total, 2 + (line_total < 0)::int))), 0) AS hash_2
    FROM
      redelivered
  ),
  written_check AS MATERIALIZED (
    SELECT
      a.hash_1 = w.hash_1
      AND a.hash_2 = w.hash_2
      AND a.lines = w.lines AS balanced
    FROM
      written_sums w
      CROSS JOIN accepted_sums a
  ),
  everything_sums AS MATERIALIZED (
    -- Read only when the written lines alone do not balance. Accepted lines equal to all of
    -- production (a re-delivery of everything, the bench's run 2): one scan, no join.
    SELECT
      count(*) AS lines,
      coalesce(sum(line_total), 0) AS revenue,
      coalesce(sum(hashtextextended (item_id, hash_numeric_extended (line_total, 0 + (line_total < 0)::int))), 0) AS hash_1,
      coalesce(sum(hashtextextended (item_id, hash_numeric_extended (line_total, 2 + (line_total < 0)::int))), 0) AS hash_2
    FROM
      production.transaction_items
  ),
  everything_check AS MATERIALIZED (
    SELECT
      a.hash_1 = e.hash_1
      AND a.hash_2 = e.hash_2
      AND a.lines = e.lines AS balanced
    FROM
      everything_sums e
      CROSS JOIN accepted_sums a
  ),
  delivered_sums AS MATERIALIZED (
    -- The first of: the written lines, all of production, the written plus the re-delivered lines
    -- found by key; each later branch is read only when the ones before it do not balance.
    SELECT
      w.lines,
      w.revenue,
      w.hash_1,
      w.hash_2
    FROM
      written_sums w
    WHERE
      (
        SELECT
          balanced
        FROM
          written_check
      )
    UNION ALL
    SELECT
      e.lines,
      e.revenue,
      e.hash_1,
      e.hash_2
    FROM
      everything_sums e
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
      w.lines + r.lines,
      w.revenue + r.revenue,
      w.hash_1 + r.hash_1,
      w.hash_2 + r.hash_2
    FROM
      written_sums w
      CROSS JOIN redelivered_sums r
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
  sums AS MATERIALIZED (
    -- The multisets of (item, amount) accepted and delivered, by count and two independent 64-bit
    -- hash sums: equal only when the multisets are (but for a chance of ~2^-64), and then every
    -- item's amounts agree. Otherwise compared below names and measures every difference. A line's
    -- hash: its item_id hashed with a seed that is the hash of its amount, seeded in turn with the
    -- sum's number and the amount's sign (a numeric's own hash leaves the sign out), as in
    -- first_load_sums.sql: no amount is written out as text (a numeric_out per line and sum, ~0.4 s
    -- per side at 1M orders).
    SELECT
      a.lines,
      a.blank,
      a.hash_1 = d.hash_1
      AND a.hash_2 = d.hash_2
      AND a.lines = d.lines
      AND a.blank = 0 AS balanced,
      a.revenue AS expected,
      d.revenue AS actual
    FROM
      accepted_sums a
      CROSS JOIN delivered_sums d
  ),
  compared AS MATERIALIZED (
    SELECT
      coalesce(a.item_id, d.item_id, '(blank item_id)') AS item_id,
      coalesce(a.line_total, 0) AS expected,
      coalesce(d.line_total, 0) AS actual,
      a.item_id IS NULL
      OR d.item_id IS NULL AS one_sided
    FROM
      accepted a
      FULL JOIN delivered d ON d.item_id = a.item_id
  )
  -- compared is read (and computed) only when the sums do not balance.
SELECT
  CASE
    WHEN s.balanced THEN s.lines
    ELSE (
      SELECT
        count(*)
      FROM
        compared
    )
  END AS rows_checked,
  -- In money, as the comparison gives it: 0.00 when lines were compared, 0 when none were.
  CASE
    WHEN s.balanced THEN CASE
      WHEN s.lines > 0 THEN 0.00
      ELSE 0
    END
    ELSE (
      SELECT
        coalesce(sum(abs(expected - actual)), 0)
      FROM
        compared
    )
  END AS violations,
  s.expected,
  s.actual,
  CASE
    WHEN s.balanced THEN '{}'::text[]
    ELSE coalesce(
      (
        SELECT
          array_agg(
            item_id
            ORDER BY
              item_id
          )
        FROM
          (
            SELECT
              item_id
            FROM
              compared
            WHERE
              expected <> actual
              OR one_sided
            ORDER BY
              item_id
            LIMIT
              10
          ) s
      ),
      '{}'
    )
  END AS sample_ids
FROM
  sums s;
