-- staging.transaction_items -> production.transaction_items for one run ($1). Runs last, so the
-- referential checks see this run's transactions and products already upserted, and this run's
-- transaction rejects already quarantined.
--
-- Cleaning: every value trimmed and blanks read as missing; unit_price and line_total stored as
-- numeric(12,2), discount_percentage as numeric(5,2) (money of 10^10 or more cannot be stored and
-- counts as not a number). The expected line total is computed from the stored (rounded) values:
--   round(quantity * unit_price * (1 - discount_percentage / 100), 2)
--
-- Each staging line is either loaded or quarantined with ONE reason, the first that applies:
--    1 missing_required       item_id blank (such a line cannot be de-duplicated)
--    2 duplicate_line         an exact copy of a later line of the same item_id
--      duplicate_superseded   a later line of the same item_id (by source_file, source_line) wins
--    3 missing_required       transaction_id, product_id, quantity, unit_price,
--                             discount_percentage or line_total blank
--    4 invalid_number         quantity not an integer; unit_price, discount_percentage or
--                             line_total not a number
--    5 non_positive_quantity  quantity <= 0
--    6 negative_value         unit_price < 0
--    7 implausible_value      quantity above 1,000 or unit_price above 1,000,000 (a typo or a
--                             placeholder, not an order line)
--    8 discount_out_of_range  discount_percentage outside 0..100
--    9 line_total_mismatch    line_total differs from the expected line total by more than 0.01
--   10 orphan_transaction     transaction not in production, or its line in this run was rejected
--                             (the item must not attach to an older version of a rejected order)
--   11 orphan_product         product not in production
--
-- Upsert: updated_at moves only when a business column changed; an identical row is not rewritten.
-- Performance: nothing is parsed here (the typed table holds parsed values); staged is read once,
-- inlined into the window sort, and rows_in counts the decided lines rather than scanning twice.
-- Reads the run's typed table ({{transaction_items}}: values trimmed, blank NULL, parsed once; libs/pipeline
-- typed-tables.ts). A line's raw text (its exact-copy test, its quarantine record) is read back from
-- staging by its ctid, only for the lines that need it.
WITH staged AS (
  SELECT t.line_ctid,
         t.source_file,
         t.source_line,
         t.item_id,
         t.transaction_id,
         t.product_id,
         t.quantity                AS quantity_text,
         t.quantity__int           AS quantity,
         t.unit_price              AS unit_price_text,
         t.discount_percentage     AS discount_text,
         t.line_total              AS line_total_text,
         CASE WHEN abs(t.unit_price__numeric) < 1e10 THEN t.unit_price__numeric::numeric(12,2) END AS unit_price,
         -- Out-of-range discounts stay readable here so they reject as out of range, not as non-numbers.
         round(t.discount_percentage__numeric, 2) AS discount_percentage,
         CASE WHEN abs(t.line_total__numeric) < 1e10 THEN t.line_total__numeric::numeric(12,2) END AS line_total
    FROM {{transaction_items}} t
   WHERE $1::text IS NOT NULL
),
windowed AS (
  -- The latest line of a key (by source_file, source_line) wins; the others are duplicates.
  SELECT st.*,
         row_number() OVER latest_first AS line_rank,
         first_value(st.line_ctid) OVER latest_first AS latest_ctid
    FROM staged st
  WINDOW latest_first AS (PARTITION BY st.item_id ORDER BY st.source_file DESC, st.source_line DESC)
),
rejected_transactions AS (
  SELECT DISTINCT q.record_key AS transaction_id
    FROM ops.quarantine q
   WHERE q.run_id = $1
     AND q.stage = 'transform'
     AND q.entity = 'transactions'
     AND q.reason_code NOT IN ('duplicate_superseded', 'duplicate_line')
     AND q.record_key IS NOT NULL
),
decided AS (
  SELECT st.*,
         calc.expected_line_total,
         CASE
           WHEN st.item_id IS NULL THEN 'missing_required'
           WHEN st.line_rank > 1
             -- The lines' values as written, read back only for repeated keys: an exact copy or not.
             THEN CASE WHEN (SELECT row(s.item_id, s.transaction_id, s.product_id, s.quantity, s.unit_price, s.discount_percentage, s.line_total)::text FROM staging.transaction_items s WHERE s.ctid = st.line_ctid)
                          = (SELECT row(s.item_id, s.transaction_id, s.product_id, s.quantity, s.unit_price, s.discount_percentage, s.line_total)::text FROM staging.transaction_items s WHERE s.ctid = st.latest_ctid)
                       THEN 'duplicate_line' ELSE 'duplicate_superseded' END
           WHEN st.transaction_id IS NULL OR st.product_id IS NULL OR st.quantity_text IS NULL
                OR st.unit_price_text IS NULL OR st.discount_text IS NULL OR st.line_total_text IS NULL
             THEN 'missing_required'
           WHEN st.quantity IS NULL OR st.unit_price IS NULL OR st.discount_percentage IS NULL
                OR st.line_total IS NULL THEN 'invalid_number'
           WHEN st.quantity <= 0 THEN 'non_positive_quantity'
           WHEN st.unit_price < 0 THEN 'negative_value'
           WHEN st.quantity > 1000 OR st.unit_price > 1000000 THEN 'implausible_value'
           WHEN st.discount_percentage NOT BETWEEN 0 AND 100 THEN 'discount_out_of_range'
           WHEN abs(st.line_total - calc.expected_line_total) > 0.01 THEN 'line_total_mismatch'
           WHEN txn.transaction_id IS NULL OR rejected.transaction_id IS NOT NULL THEN 'orphan_transaction'
           WHEN product.product_id IS NULL THEN 'orphan_product'
         END AS reason_code,
         rejected.transaction_id IS NOT NULL AS transaction_rejected
    FROM windowed st
    CROSS JOIN LATERAL (
      SELECT round(st.quantity * st.unit_price * (1 - st.discount_percentage / 100), 2) AS expected_line_total
    ) calc
    LEFT JOIN production.transactions txn ON txn.transaction_id = st.transaction_id
    LEFT JOIN rejected_transactions rejected ON rejected.transaction_id = st.transaction_id
    LEFT JOIN production.products product ON product.product_id = st.product_id
),
quarantined AS (
  INSERT INTO ops.quarantine
    (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
  SELECT $1, 'transform', 'transaction_items', d.source_file, d.source_line, d.item_id,
         (SELECT row_to_json(s)::text FROM staging.transaction_items s WHERE s.ctid = d.line_ctid), d.reason_code,
         CASE d.reason_code
           WHEN 'missing_required' THEN 'required value blank: ' || concat_ws(', ',
             CASE WHEN d.item_id IS NULL THEN 'item_id' END,
             CASE WHEN d.transaction_id IS NULL THEN 'transaction_id' END,
             CASE WHEN d.product_id IS NULL THEN 'product_id' END,
             CASE WHEN d.quantity_text IS NULL THEN 'quantity' END,
             CASE WHEN d.unit_price_text IS NULL THEN 'unit_price' END,
             CASE WHEN d.discount_text IS NULL THEN 'discount_percentage' END,
             CASE WHEN d.line_total_text IS NULL THEN 'line_total' END)
           WHEN 'duplicate_line' THEN
             format('item %s is repeated unchanged later in the run; the later copy is loaded', d.item_id)
           WHEN 'duplicate_superseded' THEN
             format('item %s appears again later in the run; the latest line wins', d.item_id)
           WHEN 'invalid_number' THEN 'not a number: ' || concat_ws(', ',
             CASE WHEN d.quantity IS NULL THEN format('quantity %L (an integer)', d.quantity_text) END,
             CASE WHEN d.unit_price IS NULL THEN format('unit_price %L', d.unit_price_text) END,
             CASE WHEN d.discount_percentage IS NULL THEN format('discount_percentage %L', d.discount_text) END,
             CASE WHEN d.line_total IS NULL THEN format('line_total %L', d.line_total_text) END)
           WHEN 'non_positive_quantity' THEN format('quantity %s is not above zero', d.quantity)
           WHEN 'negative_value' THEN format('unit_price %s is negative', d.unit_price)
           WHEN 'implausible_value' THEN
             format('quantity %s x unit_price %s is beyond any real order line (quantity up to 1,000, unit_price up to 1,000,000)',
                    d.quantity, d.unit_price)
           WHEN 'discount_out_of_range' THEN
             format('discount_percentage %s is outside 0..100', d.discount_percentage)
           WHEN 'line_total_mismatch' THEN
             format('line_total %s differs from quantity x unit_price x (1 - discount/100) = %s',
                    d.line_total, d.expected_line_total)
           WHEN 'orphan_transaction' THEN
             CASE WHEN d.transaction_rejected
                  THEN format('transaction %s was rejected in this run', d.transaction_id)
                  ELSE format('transaction %s is unknown: not in production, %s', d.transaction_id,
                         CASE WHEN EXISTS (SELECT 1 FROM ops.file_accounting f WHERE f.run_id = $1 AND f.entity = 'transactions')
                                   OR EXISTS (SELECT 1 FROM staging.transactions s WHERE s.run_id = $1)
                              THEN 'nor among the transactions this run loaded' ELSE 'and this run has no transactions file' END) END
           -- As for customers: say whether the run brought products at all.
           WHEN 'orphan_product' THEN format('product %s is unknown: not in production, %s', d.product_id,
             CASE WHEN EXISTS (SELECT 1 FROM ops.file_accounting f WHERE f.run_id = $1 AND f.entity = 'products')
                         OR EXISTS (SELECT 1 FROM staging.products s WHERE s.run_id = $1)
                  THEN 'nor among the products this run loaded' ELSE 'and this run has no products file' END)
         END
    FROM decided d
   WHERE d.reason_code IS NOT NULL
  RETURNING reason_code
),
loaded AS (
  INSERT INTO production.transaction_items AS p
    (item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total,
     last_run_id)
  SELECT d.item_id, d.transaction_id, d.product_id, d.quantity, d.unit_price, d.discount_percentage,
         d.line_total, $1
    FROM decided d
   WHERE d.reason_code IS NULL
  {{on_conflict}}
  RETURNING 1
)
SELECT (SELECT count(*) FROM decided)                           AS rows_in,
       (SELECT count(*) FROM decided WHERE reason_code IS NULL) AS rows_out,
       (SELECT count(*) FROM quarantined)                       AS rows_rejected,
       (SELECT coalesce(jsonb_object_agg(reason_code, n), '{}'::jsonb)
          FROM (SELECT reason_code, count(*) AS n FROM quarantined GROUP BY reason_code) r) AS by_reason
