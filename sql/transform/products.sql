-- staging.products -> production.products for one run ($1).
--
-- Cleaning: every value trimmed and blanks read as missing; category and sub_category in their
-- canonical spelling (the typed table, config/categorical-values.yaml). Money is read as numeric and stored
-- as numeric(12,2) (cents, rounded half away from zero); a value that rounds to 10^10 or more
-- (from 9,999,999,999.995 up) cannot be stored and counts as not a number.
--
-- Derived:
--   profit_margin  = round((price - cost) / price * 100, 2), from the stored (cent) price and cost
--   price_category = Budget     price <  25
--                    Mid-range  25 <= price < 100
--                    Premium    100 <= price < 500
--                    Luxury     price >= 500
--
-- Each staging line is either loaded or quarantined with ONE reason, the first that applies:
--   1 missing_required      product_id blank (such a line cannot be de-duplicated)
--   2 missing_required      product_name, category, price or cost blank
--   3 invalid_number        price or cost not a number; stock_quantity given but not an integer
--   4 non_positive_price    price <= 0
--   5 negative_value        cost < 0 or stock_quantity < 0
--   6 implausible_value     price above 1,000,000 (a slipped decimal point or a placeholder)
--   7 cost_not_below_price  cost >= price
--     unknown_value         category or sub_category not a configured value or alias, when the field
--                           is `unknown: quarantine` (by default both are `keep`: never rejected)
--   8 duplicate_line        a valid exact copy of the line that won its product_id
--     duplicate_superseded  a valid line of a product_id whose later valid line won
-- Duplicates: among the lines of one product_id the latest (by source_file, source_line) that
-- passes its own checks (2-7) wins; an invalid line keeps its own reason, so a later broken
-- version never costs the earlier valid one. When no line is valid each keeps its own reason.
--
-- Upsert: updated_at moves only when a business column changed; an identical row is not rewritten.
-- Reads the run's typed table ({{products}}: values trimmed, blank NULL, parsed once; libs/pipeline
-- typed-tables.ts). A line's raw text (its exact-copy test, its quarantine record) is read back from
-- staging by its ctid, only for the lines that need it.
WITH
  staged AS (
    SELECT
      t.line_ctid,
      t.source_file,
      t.source_line,
      t.product_id,
      t.product_name,
      t.category,
      t.sub_category,
      t.price AS price_text,
      t.cost AS cost_text,
      t.brand,
      t.stock_quantity AS stock_quantity_text,
      t.stock_quantity__int AS stock_quantity,
      t.supplier_id,
      t.unknown_field,
      t.unknown_text,
      t.unknown_reason,
      CASE
        WHEN abs(t.price__numeric) < 9999999999.995 THEN t.price__numeric::numeric(12, 2)
      END AS price,
      CASE
        WHEN abs(t.cost__numeric) < 9999999999.995 THEN t.cost__numeric::numeric(12, 2)
      END AS cost
    FROM
      {{products}} t
    WHERE
      $1::text IS NOT NULL
  ),
  checked AS (
    -- Each line's own checks, before the duplicates are decided: a broken version cannot win.
    SELECT
      st.*,
      CASE
        WHEN st.product_id IS NULL THEN 'missing_required'
        WHEN st.product_name IS NULL
        OR st.category IS NULL
        OR st.price_text IS NULL
        OR st.cost_text IS NULL THEN 'missing_required'
        WHEN st.price IS NULL
        OR st.cost IS NULL
        OR (
          st.stock_quantity_text IS NOT NULL
          AND st.stock_quantity IS NULL
        ) THEN 'invalid_number'
        WHEN st.price <= 0 THEN 'non_positive_price'
        WHEN st.cost < 0
        OR st.stock_quantity < 0 THEN 'negative_value'
        WHEN st.price > 1000000 THEN 'implausible_value'
        WHEN st.cost >= st.price THEN 'cost_not_below_price'
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
      latest_first AS (
        PARTITION BY
          c.product_id
        ORDER BY
          c.own_reason IS NULL DESC,
          c.source_file DESC,
          c.source_line DESC
      )
  ),
  decided AS (
    SELECT
      w.*,
      coalesce(
        w.own_reason,
        CASE
          WHEN w.line_rank > 1
          -- The lines' values as written, read back only for repeated keys: an exact copy or not.
          THEN CASE
            WHEN (
              SELECT
                row (
                  s.product_id,
                  s.product_name,
                  s.category,
                  s.sub_category,
                  s.price,
                  s.cost,
                  s.brand,
                  s.stock_quantity,
                  s.supplier_id
                )::text
              FROM
                staging.products s
              WHERE
                s.ctid = w.line_ctid
            ) = (
              SELECT
                row (
                  s.product_id,
                  s.product_name,
                  s.category,
                  s.sub_category,
                  s.price,
                  s.cost,
                  s.brand,
                  s.stock_quantity,
                  s.supplier_id
                )::text
              FROM
                staging.products s
              WHERE
                s.ctid = w.latest_ctid
            ) THEN 'duplicate_line'
            ELSE 'duplicate_superseded'
          END
        END
      ) AS reason_code
    FROM
      windowed w
  ),
  quarantined AS (
    INSERT INTO
      ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
    SELECT
      $1,
      'transform',
      'products',
      d.source_file,
      d.source_line,
      d.product_id,
      (
        SELECT
          row_to_json(s)::text
        FROM
          staging.products s
        WHERE
          s.ctid = d.line_ctid
      ),
      d.reason_code,
      CASE d.reason_code
        WHEN 'missing_required' THEN 'required value blank: ' || concat_ws(
          ', ',
          CASE
            WHEN d.product_id IS NULL THEN 'product_id'
          END,
          CASE
            WHEN d.product_name IS NULL THEN 'product_name'
          END,
          CASE
            WHEN d.category IS NULL THEN 'category'
          END,
          CASE
            WHEN d.price_text IS NULL THEN 'price'
          END,
          CASE
            WHEN d.cost_text IS NULL THEN 'cost'
          END
        )
        WHEN 'duplicate_line' THEN format('product %s is repeated unchanged later in the run; the later copy is loaded', d.product_id)
        WHEN 'duplicate_superseded' THEN format(
          'product %s appears again later in the run; its latest valid line (%s) wins',
          d.product_id,
          (
            SELECT
              s.source_file || ' line ' || s.source_line
            FROM
              staging.products s
            WHERE
              s.ctid = d.latest_ctid
          )
        )
        WHEN 'invalid_number' THEN 'not a number: ' || concat_ws(
          ', ',
          CASE
            WHEN d.price IS NULL THEN format('price %L', d.price_text) || CASE
              WHEN ops.safe_numeric (d.price_text) IS NOT NULL THEN ' (too large to store: money is at most 9,999,999,999.99)'
              ELSE ''
            END
          END,
          CASE
            WHEN d.cost IS NULL THEN format('cost %L', d.cost_text) || CASE
              WHEN ops.safe_numeric (d.cost_text) IS NOT NULL THEN ' (too large to store: money is at most 9,999,999,999.99)'
              ELSE ''
            END
          END,
          CASE
            WHEN d.stock_quantity_text IS NOT NULL
            AND d.stock_quantity IS NULL THEN format('stock_quantity %L (an integer)', d.stock_quantity_text)
          END
        )
        WHEN 'non_positive_price' THEN format('price %s is not above zero', d.price)
        WHEN 'negative_value' THEN 'negative: ' || concat_ws(
          ', ',
          CASE
            WHEN d.cost < 0 THEN format('cost %s', d.cost)
          END,
          CASE
            WHEN d.stock_quantity < 0 THEN format('stock_quantity %s', d.stock_quantity)
          END
        )
        WHEN 'implausible_value' THEN format('price %s is above 1,000,000: a typo, not a product', d.price)
        WHEN 'cost_not_below_price' THEN format('cost %s is not below price %s', d.cost, d.price)
        WHEN 'unknown_value' THEN format('%s %L is not a configured value (config/categorical-values.yaml)', d.unknown_field, d.unknown_text)
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
      production.products AS p (
        product_id,
        product_name,
        category,
        sub_category,
        price,
        cost,
        profit_margin,
        price_category,
        brand,
        stock_quantity,
        supplier_id,
        last_run_id
      )
    SELECT
      d.product_id,
      d.product_name,
      d.category,
      d.sub_category,
      d.price,
      d.cost,
      round((d.price - d.cost) / d.price * 100, 2),
      CASE
        WHEN d.price < 25 THEN 'Budget'
        WHEN d.price < 100 THEN 'Mid-range'
        WHEN d.price < 500 THEN 'Premium'
        ELSE 'Luxury'
      END,
      d.brand,
      d.stock_quantity,
      d.supplier_id,
      $1
    FROM
      decided d
    WHERE
      d.reason_code IS NULL {{on_conflict}}
    RETURNING
      1
  )
  -- Rows in, out and rejected, and the rejects per reason (outcome.sql).
  {{outcome}}
