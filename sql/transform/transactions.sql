-- staging.transactions -> production.transactions for one run ($1). Runs after customers.sql,
-- so the customer check sees this run's customers already upserted.
--
-- Cleaning: every value trimmed and blanks read as missing; total_amount stored as numeric(12,2)
-- (a value of 10^10 or more cannot be stored and counts as not a number).
--
-- Orders are accepted or rejected whole, with their lines (docs/rejects.md "Orders add up"). The
-- run's order lines were checked first (order_lines.sql, table transform_order_lines); an order's
-- lines after this run are its production lines whose item_id the run does not restate, plus the
-- run's chosen good lines. total_amount must equal their line_total sum exactly (the generator and
-- any shop write the total as the sum of the rounded line totals, so a cent off is a real error).
--
-- Each staging line is either loaded or quarantined with ONE reason, the first that applies:
--    1 missing_required       transaction_id blank (such a line cannot be de-duplicated)
--    2 missing_required       customer_id, transaction_date, payment_method or total_amount blank
--    3 invalid_date           transaction_date not a real YYYY-MM-DD date
--    4 future_date            transaction_date after today (UTC)
--    5 invalid_time           transaction_time given but not HH:MM[:SS]
--    6 invalid_number         total_amount not a number
--    7 negative_value         total_amount < 0
--      unknown_value          payment_method not a configured value or alias (config/categorical-values.yaml,
--                             `unknown: quarantine`); a known one loads in its canonical spelling
--    8 duplicate_line         a valid exact copy of the line that won its transaction_id
--      duplicate_superseded   a valid line of a transaction_id whose later valid line won
--    9 orphan_customer        customer_id not in production.customers
--   10 before_registration    transaction_date before the customer's registration_date
--   11 order_line_rejected    one of the order's lines of this run was rejected (the message names
--                             the first, by item_id, and its reason)
--   12 order_without_lines    the order would have no line at all
--   13 total_amount_mismatch  total_amount differs from the sum of its lines' line_total
-- Duplicates: among the lines of one transaction_id the latest (by source_file, source_line) that
-- passes its own checks (2-7) wins; an invalid line keeps its own reason. When no line is valid
-- each keeps its own reason. Cross-row checks (9-13) apply to the winner only.
--
-- Every order the run touches (a header or a chosen line staged) that is not accepted gets its
-- verdict in transform_orders for transaction_items.sql: an order with lines but no staged header is
-- judged with its production header (which stays as it is either way) or is missing.
--
-- A re-delivered order that production already holds as it is (every staged line of its header
-- valid and identical to production's header, every chosen staged line good and identical to its
-- production line: not in `changed`) is not judged on its lines again: the run that wrote it
-- checked that it equals its lines (reconcile_order_total_production), the lines it would have
-- after this run are exactly the ones it has, so its line checks (11-13) cannot fail. Its header's
-- own and customer checks (1-10) still apply. A first load (first_load, spliced true) has nothing to
-- compare with and judges every order whole; at 1M re-delivered orders this saves the per-order sum
-- of 2.5M lines and the search for production lines the run does not restate.
--
-- Upsert: updated_at moves only when a business column changed; an identical row is not rewritten.
-- Performance: nothing is parsed here and staged is read once (twice when not a first load); the
-- lines are read from transform_order_lines (checked and de-duplicated once), production lines only
-- for changed orders.
-- Reads the run's typed table ({{transactions}}: values trimmed, blank NULL, parsed once; libs/pipeline
-- typed-tables.ts). A line's raw text (its exact-copy test, its quarantine record) is read back from
-- staging by its ctid, only for the lines that need it.
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
        WHEN abs(t.total_amount__numeric) < 1e10 THEN t.total_amount__numeric::numeric(12, 2)
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
      transform_order_lines l
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
      l.transaction_id,
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
      transform_order_lines l
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
      l.transaction_id
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
          transform_order_lines l
        WHERE
          l.item_id = p.item_id
      )
    GROUP BY
      p.transaction_id
  ),
  decided AS (
    -- accepted, a column of its own: the planner reads a boolean column of a CTE as half its rows,
    -- where it reads "reason_code IS NULL" as 0.5% of them; on a re-delivery that made it probe
    -- production's key 1M times (skip_identical) instead of hashing it once.
    SELECT
      v.*,
      v.reason_code IS NULL AS accepted
    FROM
      (
        SELECT
          st.*,
          customer.registration_date,
          rl.bad_line,
          rl.transaction_id IS NOT NULL AS has_run_lines,
          coalesce(rl.good_lines, 0) + coalesce(kl.lines, 0) AS order_lines,
          coalesce(rl.good_total, 0) + coalesce(kl.total, 0) AS lines_total,
          CASE
            WHEN st.own_reason IS NOT NULL THEN st.own_reason
            WHEN st.line_rank > 1
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
                  s.ctid = st.line_ctid
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
                  s.ctid = st.latest_ctid
              ) THEN 'duplicate_line'
              ELSE 'duplicate_superseded'
            END
            WHEN customer.customer_id IS NULL THEN 'orphan_customer'
            WHEN st.transaction_date < customer.registration_date THEN 'before_registration'
            -- Production holds the order as it is: its lines add up (see the top).
            WHEN NOT {{first_load}}
            AND st.transaction_id NOT IN (
              SELECT
                c.transaction_id
              FROM
                changed c
            ) THEN NULL
            WHEN rl.bad_line IS NOT NULL THEN 'order_line_rejected'
            WHEN coalesce(rl.good_lines, 0) + coalesce(kl.lines, 0) = 0 THEN 'order_without_lines'
            WHEN st.total_amount <> coalesce(rl.good_total, 0) + coalesce(kl.total, 0) THEN 'total_amount_mismatch'
          END AS reason_code
        FROM
          windowed st
          LEFT JOIN run_lines rl ON rl.transaction_id = st.transaction_id
          AND st.line_rank = 1
          LEFT JOIN kept_lines kl ON kl.transaction_id = st.transaction_id
          AND st.line_rank = 1
          LEFT JOIN production.customers customer ON customer.customer_id = st.customer_id
      ) v
  ),
  verdicts AS (
    -- The touched orders that are not accepted, with why, for their lines in transaction_items.sql.
    INSERT INTO
      transform_orders (transaction_id, reason_code, header_kind, cause)
    SELECT
      d.transaction_id,
      d.reason_code,
      'staged',
      CASE d.reason_code
        WHEN 'order_line_rejected' THEN format('its line %s', d.bad_line)
        WHEN 'total_amount_mismatch' THEN format('total_amount %s differs from the sum of its lines %s', d.total_amount, d.lines_total)
      END
    FROM
      decided d
    WHERE
      d.line_rank = 1
      AND d.transaction_id IS NOT NULL
      AND d.reason_code IS NOT NULL
    UNION ALL
    -- Orders with lines in the run but no staged header: judged with the production header, which
    -- stays as it is; without one the lines are orphans.
    SELECT
      o.transaction_id,
      o.reason_code,
      o.header_kind,
      o.cause
    FROM
      (
        SELECT
          rl.transaction_id,
          CASE
            WHEN header.transaction_id IS NULL THEN 'orphan_transaction'
            WHEN rl.bad_line IS NOT NULL THEN 'order_line_rejected'
            WHEN header.total_amount <> rl.good_total + coalesce(kl.total, 0) THEN 'total_amount_mismatch'
          END AS reason_code,
          CASE
            WHEN header.transaction_id IS NULL THEN 'missing'
            ELSE 'production'
          END AS header_kind,
          CASE
            WHEN rl.bad_line IS NOT NULL THEN format('its line %s', rl.bad_line)
            WHEN header.total_amount <> rl.good_total + coalesce(kl.total, 0) THEN format(
              'its production total_amount %s differs from the sum of its lines with this run''s %s',
              header.total_amount,
              rl.good_total + coalesce(kl.total, 0)
            )
          END AS cause
        FROM
          run_lines rl
          LEFT JOIN kept_lines kl ON kl.transaction_id = rl.transaction_id
          LEFT JOIN production.transactions header ON header.transaction_id = rl.transaction_id
          -- The typed table, not windowed: read once (in decided), windowed stays inlined and sorted.
        WHERE
          NOT EXISTS (
            SELECT
              1
            FROM
              {{transactions}} t
            WHERE
              t.transaction_id = rl.transaction_id
          )
      ) o
    WHERE
      o.reason_code IS NOT NULL
      -- Only when some orders with lines in the run found no staged header (each matches at most one
      -- decided header): a whole export has a header for every order, and the anti-join of 1M
      -- orders' lines with 1M headers then costs ~2.5 s for nothing.
      AND (
        SELECT
          count(*)
        FROM
          decided
        WHERE
          has_run_lines
      ) < (
        SELECT
          count(*)
        FROM
          run_lines
      )
    RETURNING
      1
  ),
  quarantined AS (
    INSERT INTO
      ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
    SELECT
      $1,
      'transform',
      'transactions',
      d.source_file,
      d.source_line,
      d.transaction_id,
      (
        SELECT
          row_to_json(s)::text
        FROM
          staging.transactions s
        WHERE
          s.ctid = d.line_ctid
      ),
      d.reason_code,
      CASE d.reason_code
        WHEN 'missing_required' THEN 'required value blank: ' || concat_ws(
          ', ',
          CASE
            WHEN d.transaction_id IS NULL THEN 'transaction_id'
          END,
          CASE
            WHEN d.customer_id IS NULL THEN 'customer_id'
          END,
          CASE
            WHEN d.transaction_date_text IS NULL THEN 'transaction_date'
          END,
          CASE
            WHEN d.payment_method IS NULL THEN 'payment_method'
          END,
          CASE
            WHEN d.total_amount_text IS NULL THEN 'total_amount'
          END
        )
        WHEN 'duplicate_line' THEN format('transaction %s is repeated unchanged later in the run; the later copy is loaded', d.transaction_id)
        WHEN 'duplicate_superseded' THEN format(
          'transaction %s appears again later in the run; its latest valid line (%s) wins',
          d.transaction_id,
          (
            SELECT
              s.source_file || ' line ' || s.source_line
            FROM
              staging.transactions s
            WHERE
              s.ctid = d.latest_ctid
          )
        )
        WHEN 'invalid_date' THEN format('transaction_date %L is not a date YYYY-MM-DD', d.transaction_date_text)
        WHEN 'future_date' THEN format('transaction_date %s is in the future', d.transaction_date)
        WHEN 'invalid_time' THEN format('transaction_time %L is not a time HH:MM:SS', d.transaction_time_text)
        WHEN 'invalid_number' THEN format('total_amount %L is not a number', d.total_amount_text)
        WHEN 'negative_value' THEN format('total_amount %s is negative', d.total_amount)
        WHEN 'unknown_value' THEN format('%s %L is not a configured value (config/categorical-values.yaml)', d.unknown_field, d.unknown_text)
        WHEN 'order_line_rejected' THEN format('order %s is rejected whole with its line %s', d.transaction_id, d.bad_line)
        -- Say whether the run brought lines at all: a folder of order headers only has none.
        WHEN 'order_without_lines' THEN format(
          'order %s has no order lines: none in production, %s',
          d.transaction_id,
          CASE
            WHEN EXISTS (
              SELECT
                1
              FROM
                ops.file_accounting f
              WHERE
                f.run_id = $1
                AND f.entity = 'transaction_items'
            )
            OR EXISTS (
              SELECT
                1
              FROM
                staging.transaction_items s
              WHERE
                s.run_id = $1
            ) THEN 'nor in this run''s transaction items'
            ELSE 'and this run has no transaction_items file'
          END
        )
        WHEN 'total_amount_mismatch' THEN format('total_amount %s differs from the sum of its lines'' line_total %s', d.total_amount, d.lines_total)
        -- Say whether the run brought customers at all: a folder of new orders only has none.
        WHEN 'orphan_customer' THEN format(
          'customer %s is unknown: not in production, %s',
          d.customer_id,
          CASE
            WHEN EXISTS (
              SELECT
                1
              FROM
                ops.file_accounting f
              WHERE
                f.run_id = $1
                AND f.entity = 'customers'
            )
            OR EXISTS (
              SELECT
                1
              FROM
                staging.customers s
              WHERE
                s.run_id = $1
            ) THEN 'nor among the customers this run loaded'
            ELSE 'and this run has no customers file'
          END
        )
        WHEN 'before_registration' THEN format(
          'transaction_date %s is before customer %s registered on %s',
          d.transaction_date,
          d.customer_id,
          d.registration_date
        )
      END
    FROM
      decided d
    WHERE
      d.reason_code IS NOT NULL
    RETURNING
      reason_code
  ),
  loaded AS (
    INSERT INTO
      production.transactions AS p (
        transaction_id,
        customer_id,
        transaction_date,
        transaction_time,
        payment_method,
        shipping_address,
        total_amount,
        last_run_id
      )
    SELECT
      d.transaction_id,
      d.customer_id,
      d.transaction_date,
      d.transaction_time,
      d.payment_method,
      d.shipping_address,
      d.total_amount,
      $1
    FROM
      decided d
    WHERE
      d.accepted {{skip_identical}}
      -- In key order: the primary key stays during a first load (the order lines reference it), and
      -- appending to its right edge is several times cheaper than 1M inserts at random places.
    ORDER BY
      d.transaction_id {{on_conflict}}
    RETURNING
      1
  )
  -- Rows in, out and rejected, and the rejects per reason (outcome.sql).
  {{outcome}}
