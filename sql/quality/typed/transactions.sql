-- The run's staged transactions ($1), trimmed, blanks NULL, parsed once (__date ops.safe_date,
-- __time ops.safe_time, __numeric ops.safe_numeric). As typed/customers.sql.
-- Template: {{table}} the typed table.
CREATE UNLOGGED TABLE {{table}} AS
SELECT s.ctid                                                      AS line_ctid,
       s.source_file,
       s.source_line,
       coalesce(nullif(btrim(s.transaction_id), ''), s.source_file || ':' || s.source_line) AS record_id,
       nullif(btrim(s.transaction_id), '')                         AS transaction_id,
       nullif(btrim(s.customer_id), '')                            AS customer_id,
       nullif(btrim(s.transaction_date), '')                       AS transaction_date,
       nullif(btrim(s.transaction_time), '')                       AS transaction_time,
       nullif(btrim(s.payment_method), '')                         AS payment_method,
       nullif(btrim(s.shipping_address), '')                       AS shipping_address,
       nullif(btrim(s.total_amount), '')                           AS total_amount,
       ops.safe_date(s.transaction_date)                           AS transaction_date__date,
       ops.safe_time(s.transaction_time)                           AS transaction_time__time,
       ops.safe_numeric(s.total_amount)                            AS total_amount__numeric
  FROM staging.transactions s
 WHERE s.run_id = $1
