-- The verdicts of sql/transform/transactions.sql, computed by one CREATE TABLE AS so that
-- PostgreSQL may plan it in parallel: the scan, checks and sort of the run's order headers and the
-- per-order sums of its order lines run in the parallel workers (with the plan settings of
-- ProductionRepository.decideOrders); a
-- statement with data-modifying CTEs, as transactions.sql was in one piece, is planned in the
-- leader alone (at 1M orders its leader CPU 16.0 s, now 9.2 s for both statements).
-- {{order_verdicts}}: an UNLOGGED table in schema typed, one per run, created here and dropped in
-- the transform's transaction (drop_order_tables.sql; parallel workers cannot read a temporary
-- table, and a rollback or retry takes it away with the rest). transactions.sql then writes
-- production, the quarantine and transform_orders from it.
--
-- One row per staged header line (staged), with its reason_code (NULL: accepted), plus one row per
-- order with lines in the run but no staged header line at all (not staged), judged with its
-- production header (header_total; header_kind missing when there is none). The rules are those
-- listed at the top of transactions.sql; `changed` and the lines' CTEs are the ones it had.
--
-- Reads the run's typed table ({{transactions}}: values trimmed, blank NULL, parsed once; libs/pipeline
-- typed-tables.ts) and the run's checked order lines ({{order_lines}}, order_lines.sql). A line's raw
-- text (its exact-copy test) is read back from staging by its ctid, only for repeated keys.
CREATE UNLOGGED TABLE {{order_verdicts}} AS
WITH
  staged AS NOT MATERIALIZED (
    -- Inlined where read (here and in changed): a second scan of the typed table is cheaper than
    -- storing 1M cleaned rows.
    SELECT
      t.line_ctid,
      t.source_file,
      t.source_line,
      t.transaction_id,
      t.customer_id,
      t.transaction_date AS transaction_date_text,
      t.transaction_date__date AS transaction_date,
      t.transaction_time AS transaction_time_text,
      t.transaction_time__time AS transaction_time,
      t.payment_method,
      t.shipping_address,
      t.unknown_field,
      t.unknown_text,
      t.unknown_reason,
      t.total_amount AS total_amount_text,
      CASE
        WHEN abs(t.total_amount__numeric) < 9999999999.995 THEN t.total_amount__numeric::numeric(12, 2)
      END AS total_amount
    FROM
      {{transactions}} t
    WHERE
      $1::text IS NOT NULL
  ),
  checked AS (
    -- Each line's own checks, before the duplicates are decided: a broken version cannot win.
    SELECT
      st.*,
      CASE
        WHEN st.transaction_id IS NULL THEN 'missing_required'
        WHEN st.customer_id IS NULL
        OR st.transaction_date_text IS NULL
        OR st.payment_method IS NULL
        OR st.total_amount_text IS NULL THEN 'missing_required'
        WHEN st.transaction_date IS NULL THEN 'invalid_date'
        WHEN st.transaction_date > (now() AT TIME ZONE 'UTC')::date THEN 'future_date'
        WHEN st.transaction_time_text IS NOT NULL
        AND st.transaction_time IS NULL THEN 'invalid_time'
        WHEN st.total_amount IS NULL THEN 'invalid_number'
        WHEN st.total_amount < 0 THEN 'negative_value'
        WHEN st.unknown_reason IS NOT NULL THEN st.unknown_reason
      END AS own_reason
    FROM
      staged st
  ),
  windowed AS (
    -- The latest valid line of a key (by source_file, source_line) wins; the others are duplicates.
    SELECT
      c.*,
      row_number() OVER latest_first AS line_rank,
      first_value(c.line_ctid) OVER latest_first AS latest_ctid
    FROM
      checked c
    WINDOW
      -- Partitioned in "C" (byte) order: the same partitions as in the database's collation
      -- (deterministic: equal means the same bytes), sorted faster.
      latest_first AS (
        PARTITION BY
          c.transaction_id COLLATE "C"
        ORDER BY
          c.own_reason IS NULL DESC,
          c.source_file DESC,
          c.source_line DESC
      )
  ),
  changed AS (
    -- The orders of the run that production does not already hold as they are staged: a staged
    -- header line not identical to production's header (or with no header there), or a chosen line
    -- that is rejected or not identical to its production line (order_lines.sql). Only these are
    -- judged on their lines. Empty for a re-delivery of what production holds.
    SELECT
      st.transaction_id
    FROM
      staged st
      LEFT JOIN production.transactions same ON same.transaction_id = st.transaction_id
    WHERE
      NOT {{first_load}}
      AND st.transaction_id IS NOT NULL
      AND (
        same.transaction_id IS NULL
        OR (
          same.customer_id,
          same.transaction_date,
          same.transaction_time,
          same.payment_method,
          same.shipping_address,
          same.total_amount
        ) IS DISTINCT FROM (
          st.customer_id,
          st.transaction_date,
          st.transaction_time,
          st.payment_method,
          st.shipping_address,
          st.total_amount
        )
      )
    UNION
    SELECT
      l.transaction_id
    FROM
      {{order_lines}} l
    WHERE
      NOT {{first_load}}
      AND l.chosen
      AND l.transaction_id IS NOT NULL
      AND NOT (
        l.line_reason IS NULL
        AND l.same_in_production
      )
  ),
  run_lines AS (
    -- Per order, the run's chosen lines: the good ones counted and summed, the first bad one named.
    -- Only for orders judged on their lines (all of them on a first load).
    SELECT
      l.transaction_id COLLATE "C" AS transaction_id,
      count(*) FILTER (
        WHERE
          l.line_reason IS NULL
      ) AS good_lines,
      coalesce(
        sum(l.line_total) FILTER (
          WHERE
            l.line_reason IS NULL
        ),
        0
      ) AS good_total,
      min(format('%s (%s)', coalesce(l.item_id, l.source_file || ' line ' || l.source_line), l.line_reason)) FILTER (
        WHERE
          l.line_reason IS NOT NULL
      ) AS bad_line
    FROM
      {{order_lines}} l
    WHERE
      l.chosen
      AND l.transaction_id IS NOT NULL
      AND (
        {{first_load}}
        OR l.transaction_id IN (
          SELECT
            c.transaction_id
          FROM
            changed c
        )
      )
    GROUP BY
      l.transaction_id COLLATE "C"
  ),
  kept_lines AS (
    -- Production lines of the orders judged on their lines (changed: a first load has none) that the
    -- run does not restate: they stay the order's. A join with those orders, not an OR of EXISTS,
    -- which can only filter a scan of all 2.5M production lines at 1M orders (~1.5 s for a one-day
    -- delta): a delta probes transaction_items_transaction_idx per changed order (~10 ms), and a
    -- re-delivery of what production holds reads nothing.
    SELECT
      p.transaction_id,
      count(*) AS lines,
      sum(p.line_total) AS total
    FROM
      changed touched
      JOIN production.transaction_items p ON p.transaction_id = touched.transaction_id
    WHERE
      NOT EXISTS (
        SELECT
          1
        FROM
          {{order_lines}} l
        WHERE
          l.item_id = p.item_id
      )
    GROUP BY
      p.transaction_id
  )
SELECT
  v.staged,
  v.transaction_id,
  v.customer_id,
  v.transaction_date,
  v.transaction_time,
  v.payment_method,
  v.shipping_address,
  v.total_amount,
  v.line_rank,
  v.changed,
  v.header_kind,
  v.reason_code,
  v.staged
  AND v.reason_code IS NULL AS accepted,
  -- What only a line or order not accepted needs (its quarantine record and message, the cause
  -- its order's lines are given): NULL for the others, a narrower table to write and read.
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.line_ctid
  END AS line_ctid,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.latest_ctid
  END AS latest_ctid,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.source_file
  END AS source_file,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.source_line
  END AS source_line,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.transaction_date_text
  END AS transaction_date_text,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.transaction_time_text
  END AS transaction_time_text,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.total_amount_text
  END AS total_amount_text,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.unknown_field
  END AS unknown_field,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.unknown_text
  END AS unknown_text,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.registration_date
  END AS registration_date,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.bad_line
  END AS bad_line,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.lines_total
  END AS lines_total,
  CASE
    WHEN v.reason_code IS NOT NULL THEN v.header_total
  END AS header_total
FROM
  (
    SELECT
      j.line_ctid IS NOT NULL AS staged,
      j.line_ctid,
      j.source_file,
      j.source_line,
      coalesce(j.transaction_id, j.lines_transaction_id) AS transaction_id,
      j.customer_id,
      j.transaction_date_text,
      j.transaction_date,
      j.transaction_time_text,
      j.transaction_time,
      j.payment_method,
      j.shipping_address,
      j.unknown_field,
      j.unknown_text,
      j.total_amount_text,
      j.total_amount,
      j.line_rank,
      j.latest_ctid,
      j.registration_date,
      j.bad_line,
      coalesce(j.good_total, 0) + coalesce(j.kept_total, 0) AS lines_total,
      -- For transactions_skip_identical.sql: the order differs from production (`changed`).
      j.changed,
      j.header_total,
      CASE
        WHEN j.line_ctid IS NOT NULL THEN 'staged'
        WHEN j.header_total IS NULL THEN 'missing'
        ELSE 'production'
      END AS header_kind,
      CASE
      -- A staged header line. Every line of a key meets its order's lines; only the winner
      -- (line_rank 1) reaches the order's checks.
        WHEN j.line_ctid IS NOT NULL THEN CASE
          WHEN j.own_reason IS NOT NULL THEN j.own_reason
          WHEN j.line_rank > 1
          -- The lines' values as written, read back only for repeated keys: an exact copy or not.
          THEN CASE
            WHEN (
              SELECT
                row (
                  s.transaction_id,
                  s.customer_id,
                  s.transaction_date,
                  s.transaction_time,
                  s.payment_method,
                  s.shipping_address,
                  s.total_amount
                )::text
              FROM
                staging.transactions s
              WHERE
                s.ctid = j.line_ctid
            ) = (
              SELECT
                row (
                  s.transaction_id,
                  s.customer_id,
                  s.transaction_date,
                  s.transaction_time,
                  s.payment_method,
                  s.shipping_address,
                  s.total_amount
                )::text
              FROM
                staging.transactions s
              WHERE
                s.ctid = j.latest_ctid
            ) THEN 'duplicate_line'
            ELSE 'duplicate_superseded'
          END
          WHEN NOT j.customer_found THEN 'orphan_customer'
          WHEN j.transaction_date < j.registration_date THEN 'before_registration'
          -- Production holds the order as it is: its lines add up (see transactions.sql).
          WHEN NOT {{first_load}}
          AND NOT j.changed THEN NULL
          WHEN j.bad_line IS NOT NULL THEN 'order_line_rejected'
          WHEN coalesce(j.good_lines, 0) + coalesce(j.kept_lines, 0) = 0 THEN 'order_without_lines'
          WHEN j.total_amount <> coalesce(j.good_total, 0) + coalesce(j.kept_total, 0) THEN 'total_amount_mismatch'
        END
        -- Lines in the run but no staged header line: judged with the production header, which
        -- stays as it is; without one the lines are orphans.
        WHEN j.header_total IS NULL THEN 'orphan_transaction'
        WHEN j.bad_line IS NOT NULL THEN 'order_line_rejected'
        WHEN j.header_total <> j.good_total + coalesce(j.kept_total, 0) THEN 'total_amount_mismatch'
      END AS reason_code
    FROM
      (
        SELECT
          st.*,
          rl.transaction_id COLLATE "default" AS lines_transaction_id,
          rl.good_lines,
          rl.good_total,
          rl.bad_line,
          kl.lines AS kept_lines,
          kl.total AS kept_total,
          ch.transaction_id IS NOT NULL AS changed,
          customer.customer_id IS NOT NULL AS customer_found,
          customer.registration_date,
          -- The production header, looked up (by its key) only for an order without a staged
          -- header line: a whole export has none.
          CASE
            WHEN st.line_ctid IS NULL THEN (
              SELECT
                h.total_amount
              FROM
                production.transactions h
              WHERE
                h.transaction_id = rl.transaction_id COLLATE "default"
            )
          END AS header_total
        FROM
          windowed st
          -- On the key alone, so that it can be a full join: every line of a key meets its order's
          -- lines, and an order's lines without any staged header line come out alone. Both sides
          -- come sorted by the key in "C" order (the headers' window, the lines' sums grouped by
          -- sorting in the workers): a merge join, and the table is written in key order.
          FULL JOIN run_lines rl ON rl.transaction_id = st.transaction_id COLLATE "C"
          LEFT JOIN kept_lines kl ON kl.transaction_id = coalesce(st.transaction_id, rl.transaction_id COLLATE "default")
          LEFT JOIN changed ch ON ch.transaction_id = st.transaction_id
          LEFT JOIN production.customers customer ON customer.customer_id = st.customer_id
          -- Not pulled up: each expression above is evaluated once per row, not once per use.
        OFFSET
          0
      ) j
      -- Not pulled up either: reason_code is evaluated once per row.
    OFFSET
      0
  ) v
