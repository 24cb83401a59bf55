-- staging.transaction_items -> production.transaction_items for one run ($1). Runs last: the lines
-- were checked on their own (order_lines.sql, table {{order_lines}}, with their cleaning
-- and line checks) and every order they belong to was decided by transactions.sql (transform_orders).
-- An order is accepted or rejected whole (docs/rejects.md "Orders add up").
--
-- Each staging line is either loaded or quarantined with ONE reason, the first that applies:
--    1 its own reason from order_lines.sql: missing_required, invalid_number,
--      non_positive_quantity, negative_value, implausible_value, discount_out_of_range,
--      line_total_mismatch, duplicate_line, duplicate_superseded, orphan_product
--    2 orphan_transaction     the order does not exist, or its header line in this run was
--                             rejected for its own reasons (the item must not attach to an older
--                             version of a rejected order)
--    3 order_rejected         the order was rejected whole: another of its lines was rejected,
--                             or its total does not equal its lines (the message names the cause)
--
-- Upsert: updated_at moves only when a business column changed; an identical row is not rewritten.
-- Performance: nothing is parsed or sorted here; the lines' checks were made once in order_lines.sql.
-- A line's raw text (its quarantine record) is read back from staging by its ctid, only for the
-- lines that need it.
WITH
  staged AS (
    SELECT
      l.*
    FROM
      {{order_lines}} l
    WHERE
      $1::text IS NOT NULL
  ),
  decided AS NOT MATERIALIZED (
    -- Inlined where read (the two inserts and the counts): each reading is a scan of
    -- {{order_lines}} and a hash join with the few orders not accepted, where materializing
    -- 2.5M wide rows at 1M orders wrote them all to a temporary file and read it back four times.
    -- accepted, a column of its own: the planner reads a boolean column of a CTE as half its rows,
    -- where it reads "reason_code IS NULL" as 0.5% of them; on a re-delivery that made it probe
    -- production's key 2.5M times (skip_identical) instead of hashing it once.
    SELECT
      v.*,
      v.reason_code IS NULL AS accepted
    FROM
      (
        SELECT
          st.*,
          o.reason_code AS order_reason,
          o.header_kind,
          o.cause,
          CASE
            WHEN st.line_reason IS NOT NULL THEN st.line_reason
            -- transform_orders lists only the orders not accepted, and every good chosen line's order
            -- was decided (it is touched): not listed means accepted.
            WHEN o.transaction_id IS NULL THEN NULL
            WHEN o.header_kind = 'missing' THEN 'orphan_transaction'
            WHEN o.header_kind = 'production'
            OR o.reason_code IN ('order_line_rejected', 'order_without_lines', 'total_amount_mismatch') THEN 'order_rejected'
            ELSE 'orphan_transaction'
          END AS reason_code
        FROM
          staged st
          LEFT JOIN transform_orders o ON o.transaction_id = st.transaction_id
          AND st.line_reason IS NULL
      ) v
  ),
  quarantined AS (
    INSERT INTO
      ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
    SELECT
      $1,
      'transform',
      'transaction_items',
      d.source_file,
      d.source_line,
      d.item_id,
      (
        SELECT
          row_to_json(s)::text
        FROM
          staging.transaction_items s
        WHERE
          s.ctid = d.line_ctid
      ),
      d.reason_code,
      CASE d.reason_code
        WHEN 'missing_required' THEN 'required value blank: ' || concat_ws(
          ', ',
          CASE
            WHEN d.item_id IS NULL THEN 'item_id'
          END,
          CASE
            WHEN d.transaction_id IS NULL THEN 'transaction_id'
          END,
          CASE
            WHEN d.product_id IS NULL THEN 'product_id'
          END,
          CASE
            WHEN d.quantity_text IS NULL THEN 'quantity'
          END,
          CASE
            WHEN d.unit_price_text IS NULL THEN 'unit_price'
          END,
          CASE
            WHEN d.discount_text IS NULL THEN 'discount_percentage'
          END,
          CASE
            WHEN d.line_total_text IS NULL THEN 'line_total'
          END
        )
        WHEN 'duplicate_line' THEN format('item %s is repeated unchanged later in the run; the later copy is loaded', d.item_id)
        WHEN 'duplicate_superseded' THEN format(
          'item %s appears again later in the run; its latest valid line (%s) wins',
          d.item_id,
          (
            SELECT
              s.source_file || ' line ' || s.source_line
            FROM
              staging.transaction_items s
            WHERE
              s.ctid = d.latest_ctid
          )
        )
        WHEN 'invalid_number' THEN 'not a number: ' || concat_ws(
          ', ',
          CASE
            WHEN d.quantity IS NULL THEN format('quantity %L (an integer)', d.quantity_text)
          END,
          CASE
            WHEN d.unit_price IS NULL THEN format('unit_price %L', d.unit_price_text) || CASE
              WHEN ops.safe_numeric (d.unit_price_text) IS NOT NULL THEN ' (too large to store: money is at most 9,999,999,999.99)'
              ELSE ''
            END
          END,
          CASE
            WHEN d.discount_percentage IS NULL THEN format('discount_percentage %L', d.discount_text)
          END,
          CASE
            WHEN d.line_total IS NULL THEN format('line_total %L', d.line_total_text) || CASE
              WHEN ops.safe_numeric (d.line_total_text) IS NOT NULL THEN ' (too large to store: money is at most 9,999,999,999.99)'
              ELSE ''
            END
          END
        )
        WHEN 'non_positive_quantity' THEN format('quantity %s is not above zero', d.quantity)
        WHEN 'negative_value' THEN format('unit_price %s is negative', d.unit_price)
        WHEN 'implausible_value' THEN format(
          'quantity %s x unit_price %s is beyond any real order line (quantity up to 1,000, unit_price up to 1,000,000)',
          d.quantity,
          d.unit_price
        )
        WHEN 'discount_out_of_range' THEN format('discount_percentage %s is outside 0..100', d.discount_percentage)
        WHEN 'line_total_mismatch' THEN format(
          'line_total %s differs from quantity x unit_price x (1 - discount/100) = %s',
          d.line_total,
          d.expected_line_total
        )
        WHEN 'orphan_transaction' THEN CASE
          WHEN d.header_kind = 'staged' THEN format('transaction %s was rejected in this run (%s)', d.transaction_id, d.order_reason)
          ELSE format(
            'transaction %s is unknown: not in production, %s',
            d.transaction_id,
            CASE
              WHEN EXISTS (
                SELECT
                  1
                FROM
                  ops.file_accounting f
                WHERE
                  f.run_id = $1
                  AND f.entity = 'transactions'
              )
              OR EXISTS (
                SELECT
                  1
                FROM
                  staging.transactions s
                WHERE
                  s.run_id = $1
              ) THEN 'nor among the transactions this run loaded'
              ELSE 'and this run has no transactions file'
            END
          )
        END
        WHEN 'order_rejected' THEN CASE
          WHEN d.header_kind = 'staged' THEN format('order %s is rejected whole: %s', d.transaction_id, d.cause)
          ELSE format('order %s is rejected whole (production keeps its earlier version): %s', d.transaction_id, d.cause)
        END
        -- As for customers: say whether the run brought products at all.
        WHEN 'orphan_product' THEN format(
          'product %s is unknown: not in production, %s',
          d.product_id,
          CASE
            WHEN EXISTS (
              SELECT
                1
              FROM
                ops.file_accounting f
              WHERE
                f.run_id = $1
                AND f.entity = 'products'
            )
            OR EXISTS (
              SELECT
                1
              FROM
                staging.products s
              WHERE
                s.run_id = $1
            ) THEN 'nor among the products this run loaded'
            ELSE 'and this run has no products file'
          END
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
      production.transaction_items AS p (
        item_id,
        transaction_id,
        product_id,
        quantity,
        unit_price,
        discount_percentage,
        line_total,
        last_run_id
      )
    SELECT
      d.item_id,
      d.transaction_id,
      d.product_id,
      d.quantity,
      d.unit_price,
      d.discount_percentage,
      d.line_total,
      $1
    FROM
      decided d
    WHERE
      d.accepted {{skip_identical}} {{on_conflict}}
    RETURNING
      1
  )
  -- Rows in, out and rejected, and the rejects per reason (outcome.sql).
  {{outcome}}
