-- staging.transactions -> production.transactions for one run ($1). Runs after customers.sql,
-- so the customer check sees this run's customers already upserted.
--
-- Cleaning: every value trimmed and blanks read as missing; total_amount stored as numeric(12,2)
-- (a value of 10^10 or more cannot be stored and counts as not a number).
--
-- The items' total is the sum of the numeric line_totals of the transaction's latest staged item
-- line per item_id in this run (whatever happens to those items later). A transaction with no
-- staged items in this run is not compared.
--
-- Each staging line is either loaded or quarantined with ONE reason, the first that applies:
--    1 missing_required       transaction_id blank (such a line cannot be de-duplicated)
--    2 duplicate_line         an exact copy of a later line of the same transaction_id
--      duplicate_superseded   a later line of the same transaction_id (by source_file, source_line) wins
--    3 missing_required       customer_id, transaction_date, payment_method or total_amount blank
--    4 invalid_date           transaction_date not a real YYYY-MM-DD date
--    5 future_date            transaction_date after today (UTC)
--    6 invalid_time           transaction_time given but not HH:MM[:SS]
--    7 invalid_number         total_amount not a number
--    8 negative_value         total_amount < 0
--   8b unknown_value          payment_method not a configured value or alias (config/categorical-values.yaml,
--                             `unknown: quarantine`); a known one loads in its canonical spelling
--    9 total_amount_mismatch  total_amount differs from the items' total by more than 0.01
--   10 orphan_customer        customer_id not in production.customers
--   11 before_registration    transaction_date before the customer's registration_date
--
-- Upsert: updated_at moves only when a business column changed; an identical row is not rewritten.
-- Performance: as in transaction_items.sql, nothing is parsed here and staged is read once.
-- Reads the run's typed table ({{transactions}}: values trimmed, blank NULL, parsed once; libs/pipeline
-- typed-tables.ts). A line's raw text (its exact-copy test, its quarantine record) is read back from
-- staging by its ctid, only for the lines that need it.
WITH staged AS (
  SELECT t.line_ctid,
         t.source_file,
         t.source_line,
         t.transaction_id,
         t.customer_id,
         t.transaction_date         AS transaction_date_text,
         t.transaction_date__date   AS transaction_date,
         t.transaction_time         AS transaction_time_text,
         t.transaction_time__time   AS transaction_time,
         t.payment_method,
         t.shipping_address,
         t.unknown_field,
         t.unknown_text,
         t.unknown_reason,
         t.total_amount             AS total_amount_text,
         CASE WHEN abs(t.total_amount__numeric) < 1e10 THEN t.total_amount__numeric::numeric(12,2) END AS total_amount
    FROM {{transactions}} t
   WHERE $1::text IS NOT NULL
),
windowed AS (
  -- The latest line of a key (by source_file, source_line) wins; the others are duplicates.
  SELECT st.*,
         row_number() OVER latest_first AS line_rank,
         first_value(st.line_ctid) OVER latest_first AS latest_ctid
    FROM staged st
  WINDOW latest_first AS (PARTITION BY st.transaction_id ORDER BY st.source_file DESC, st.source_line DESC)
),
latest_items AS (
  SELECT DISTINCT ON (i.item_id)
         i.transaction_id,
         CASE WHEN abs(i.line_total__numeric) < 1e10 THEN i.line_total__numeric::numeric(12,2) END AS line_total
    FROM {{transaction_items}} i
   WHERE i.item_id IS NOT NULL
   ORDER BY i.item_id, i.source_file DESC, i.source_line DESC
),
items_total AS (
  SELECT li.transaction_id, coalesce(sum(li.line_total), 0) AS items_total
    FROM latest_items li
   WHERE li.transaction_id IS NOT NULL
   GROUP BY li.transaction_id
),
decided AS (
  SELECT st.*,
         it.items_total,
         customer.registration_date,
         CASE
           WHEN st.transaction_id IS NULL THEN 'missing_required'
           WHEN st.line_rank > 1
             -- The lines' values as written, read back only for repeated keys: an exact copy or not.
             THEN CASE WHEN (SELECT row(s.transaction_id, s.customer_id, s.transaction_date, s.transaction_time, s.payment_method, s.shipping_address, s.total_amount)::text FROM staging.transactions s WHERE s.ctid = st.line_ctid)
                          = (SELECT row(s.transaction_id, s.customer_id, s.transaction_date, s.transaction_time, s.payment_method, s.shipping_address, s.total_amount)::text FROM staging.transactions s WHERE s.ctid = st.latest_ctid)
                       THEN 'duplicate_line' ELSE 'duplicate_superseded' END
           WHEN st.customer_id IS NULL OR st.transaction_date_text IS NULL
                OR st.payment_method IS NULL OR st.total_amount_text IS NULL THEN 'missing_required'
           WHEN st.transaction_date IS NULL THEN 'invalid_date'
           WHEN st.transaction_date > (now() AT TIME ZONE 'UTC')::date THEN 'future_date'
           WHEN st.transaction_time_text IS NOT NULL AND st.transaction_time IS NULL THEN 'invalid_time'
           WHEN st.total_amount IS NULL THEN 'invalid_number'
           WHEN st.total_amount < 0 THEN 'negative_value'
           WHEN st.unknown_reason IS NOT NULL THEN st.unknown_reason
           WHEN abs(st.total_amount - it.items_total) > 0.01 THEN 'total_amount_mismatch'
           WHEN customer.customer_id IS NULL THEN 'orphan_customer'
           WHEN st.transaction_date < customer.registration_date THEN 'before_registration'
         END AS reason_code
    FROM windowed st
    LEFT JOIN items_total it ON it.transaction_id = st.transaction_id
    LEFT JOIN production.customers customer ON customer.customer_id = st.customer_id
),
quarantined AS (
  INSERT INTO ops.quarantine
    (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
  SELECT $1, 'transform', 'transactions', d.source_file, d.source_line, d.transaction_id,
         (SELECT row_to_json(s)::text FROM staging.transactions s WHERE s.ctid = d.line_ctid), d.reason_code,
         CASE d.reason_code
           WHEN 'missing_required' THEN 'required value blank: ' || concat_ws(', ',
             CASE WHEN d.transaction_id IS NULL THEN 'transaction_id' END,
             CASE WHEN d.customer_id IS NULL THEN 'customer_id' END,
             CASE WHEN d.transaction_date_text IS NULL THEN 'transaction_date' END,
             CASE WHEN d.payment_method IS NULL THEN 'payment_method' END,
             CASE WHEN d.total_amount_text IS NULL THEN 'total_amount' END)
           WHEN 'duplicate_line' THEN
             format('transaction %s is repeated unchanged later in the run; the later copy is loaded', d.transaction_id)
           WHEN 'duplicate_superseded' THEN
             format('transaction %s appears again later in the run; the latest line wins', d.transaction_id)
           WHEN 'invalid_date' THEN
             format('transaction_date %L is not a date YYYY-MM-DD', d.transaction_date_text)
           WHEN 'future_date' THEN format('transaction_date %s is in the future', d.transaction_date)
           WHEN 'invalid_time' THEN
             format('transaction_time %L is not a time HH:MM:SS', d.transaction_time_text)
           WHEN 'invalid_number' THEN format('total_amount %L is not a number', d.total_amount_text)
           WHEN 'negative_value' THEN format('total_amount %s is negative', d.total_amount)
           WHEN 'unknown_value' THEN
             format('%s %L is not a configured value (config/categorical-values.yaml)', d.unknown_field, d.unknown_text)
           WHEN 'total_amount_mismatch' THEN
             format('total_amount %s differs from the sum of its items'' line_total %s', d.total_amount, d.items_total)
           -- Say whether the run brought customers at all: a folder of new orders only has none.
           WHEN 'orphan_customer' THEN format('customer %s is unknown: not in production, %s', d.customer_id,
             CASE WHEN EXISTS (SELECT 1 FROM ops.file_accounting f WHERE f.run_id = $1 AND f.entity = 'customers')
                         OR EXISTS (SELECT 1 FROM staging.customers s WHERE s.run_id = $1)
                  THEN 'nor among the customers this run loaded' ELSE 'and this run has no customers file' END)
           WHEN 'before_registration' THEN
             format('transaction_date %s is before customer %s registered on %s',
                    d.transaction_date, d.customer_id, d.registration_date)
         END
    FROM decided d
   WHERE d.reason_code IS NOT NULL
  RETURNING reason_code
),
loaded AS (
  INSERT INTO production.transactions AS p
    (transaction_id, customer_id, transaction_date, transaction_time, payment_method,
     shipping_address, total_amount, last_run_id)
  SELECT d.transaction_id, d.customer_id, d.transaction_date, d.transaction_time, d.payment_method,
         d.shipping_address, d.total_amount, $1
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
