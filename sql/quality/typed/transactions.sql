-- The run's staged transactions ($1), trimmed, blanks NULL, parsed once (__date as ops.safe_date,
-- __time as ops.safe_time, __numeric as ops.safe_numeric). As typed/customers.sql. The casts are
-- those functions (migrations 0001, 0014) written out on the value trimmed once, as in
-- typed/transaction_items.sql; keep the patterns in step with them.
-- Template: {{table}} the typed table.
CREATE UNLOGGED TABLE {{table}} AS
SELECT s.ctid                                                      AS line_ctid,
       s.source_file,
       s.source_line,
       coalesce(t.transaction_id, s.source_file || ':' || s.source_line) AS record_id,
       t.transaction_id,
       t.customer_id,
       t.transaction_date,
       t.transaction_time,
       t.payment_method,
       t.shipping_address,
       t.total_amount,
       CASE WHEN t.transaction_date ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$'
             AND substr(t.transaction_date, 9, 2)::int <= extract(day FROM
                   (date_trunc('month', (substr(t.transaction_date, 1, 8) || '01')::date) + interval '1 month - 1 day'))
            THEN t.transaction_date::date END                      AS transaction_date__date,
       CASE WHEN t.transaction_time ~ '^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$'
            THEN t.transaction_time::time END                      AS transaction_time__time,
       CASE WHEN t.total_amount ~ '^[-+]?(\d+(\.\d*)?|\.\d+)$' AND length(t.total_amount) <= 30
            THEN t.total_amount::numeric END                       AS total_amount__numeric
  FROM staging.transactions s
 CROSS JOIN LATERAL (
   SELECT nullif(btrim(s.transaction_id), '')   AS transaction_id,
          nullif(btrim(s.customer_id), '')      AS customer_id,
          nullif(btrim(s.transaction_date), '') AS transaction_date,
          nullif(btrim(s.transaction_time), '') AS transaction_time,
          nullif(btrim(s.payment_method), '')   AS payment_method,
          nullif(btrim(s.shipping_address), '') AS shipping_address,
          nullif(btrim(s.total_amount), '')     AS total_amount
   OFFSET 0
 ) t
 WHERE s.run_id = $1
