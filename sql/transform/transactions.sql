-- staging.transactions -> production.transactions for one run ($1). Runs after customers.sql,
-- so the customer check sees this run's customers already upserted.
--
-- Cleaning: every value trimmed and blanks read as missing; total_amount stored as numeric(12,2)
-- (a value that rounds to 10^10 or more, from 9,999,999,999.995 up, cannot be stored and counts as
-- not a number).
--
-- Orders are accepted or rejected whole, with their lines (docs/rejects.md "Orders add up"). The
-- run's order lines were checked first (order_lines.sql, table {{order_lines}}); an order's
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
-- production line: not in `changed`, transactions_decide.sql) is not judged on its lines again:
-- the run that wrote it checked that it equals its lines (reconcile_order_total_production), the
-- lines it would have after this run are exactly the ones it has, so its line checks (11-13)
-- cannot fail. Its header's
-- own and customer checks (1-10) still apply. A first load (first_load, spliced true) has nothing to
-- compare with and judges every order whole; at 1M re-delivered orders this saves the per-order sum
-- of 2.5M lines and the search for production lines the run does not restate.
--
-- Upsert: updated_at moves only when a business column changed; an identical row is not rewritten.
-- Performance: the verdicts are computed first by transactions_decide.sql, one CREATE TABLE AS that
-- PostgreSQL may plan in parallel (the headers' scan, checks and sort, the per-order sums of the
-- lines); this statement, whose data-modifying CTEs keep it in one process, only writes from them:
-- production, the quarantine and transform_orders. Staged is read once (twice when not a first
-- load); the lines are read from the run's checked lines (order_lines.sql, checked and
-- de-duplicated once), production lines only for changed orders. A line's raw text (its exact-copy
-- test, its quarantine record) is read back from staging by its ctid, only for the lines that need
-- it.
--
-- Reads {{order_verdicts}} (transactions_decide.sql): one row per staged header line (staged) with
-- its reason_code (NULL: accepted), plus one per order with lines in the run but no staged header
-- line.
WITH
  decided AS NOT MATERIALIZED (
    -- Inlined where read (the inserts and the counts): a scan of the verdicts each.
    SELECT
      v.*
    FROM
      {{order_verdicts}} v
    WHERE
      v.staged
      AND $1::text IS NOT NULL
  ),
  verdicts AS (
    -- The touched orders that are not accepted, with why, for their lines in transaction_items.sql.
    INSERT INTO
      transform_orders (transaction_id, reason_code, header_kind, cause)
    SELECT
      v.transaction_id,
      v.reason_code,
      v.header_kind,
      CASE
        WHEN v.staged THEN CASE v.reason_code
          WHEN 'order_line_rejected' THEN format('its line %s', v.bad_line)
          WHEN 'total_amount_mismatch' THEN format('total_amount %s differs from the sum of its lines %s', v.total_amount, v.lines_total)
        END
        -- Lines in the run but no staged header line: judged with the production header.
        WHEN v.bad_line IS NOT NULL THEN format('its line %s', v.bad_line)
        WHEN v.header_total <> v.lines_total THEN format(
          'its production total_amount %s differs from the sum of its lines with this run''s %s',
          v.header_total,
          v.lines_total
        )
      END
    FROM
      {{order_verdicts}} v
    WHERE
      v.reason_code IS NOT NULL
      AND (
        NOT v.staged
        OR (
          v.line_rank = 1
          AND v.transaction_id IS NOT NULL
        )
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
        WHEN 'invalid_number' THEN CASE
          WHEN ops.safe_numeric (d.total_amount_text) IS NOT NULL THEN format('total_amount %s is too large to store (money is at most 9,999,999,999.99)', d.total_amount_text)
          ELSE format('total_amount %L is not a number', d.total_amount_text)
        END
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
