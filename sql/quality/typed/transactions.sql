-- The run's staged transactions ($1), trimmed, blanks NULL, parsed once (__date as ops.safe_date,
-- __time as ops.safe_time, __numeric as ops.safe_numeric). As typed/customers.sql. The casts are
-- those functions (migrations 0001, 0014) written out on the value trimmed once, as in
-- typed/transaction_items.sql; keep the patterns in step with them. payment_method is categorical,
-- as in typed/customers.sql (canonical spelling; unknown_field / unknown_text / unknown_reason).
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
       CASE WHEN t.payment_method IS NOT NULL
            THEN coalesce(payment_method.value, f.payment_method_default, t.payment_method) END AS payment_method,
       t.shipping_address,
       t.total_amount,
       CASE WHEN t.transaction_date ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$'
             AND substr(t.transaction_date, 9, 2)::int <= extract(day FROM
                   (date_trunc('month', (substr(t.transaction_date, 1, 8) || '01')::date) + interval '1 month - 1 day'))
            THEN t.transaction_date::date END                      AS transaction_date__date,
       CASE WHEN t.transaction_time ~ '^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$'
            THEN t.transaction_time::time END                      AS transaction_time__time,
       CASE WHEN t.total_amount ~ '^[-+]?(\d+(\.\d*)?|\.\d+)$' AND length(t.total_amount) <= 30
            THEN t.total_amount::numeric END                       AS total_amount__numeric,
       CASE WHEN t.payment_method IS NOT NULL AND payment_method.value IS NULL AND f.payment_method_default IS NULL
            THEN 'payment_method' END                              AS unknown_field,
       CASE WHEN t.payment_method IS NOT NULL AND payment_method.value IS NULL AND f.payment_method_default IS NULL
            THEN t.payment_method END                              AS unknown_text,
       CASE WHEN t.payment_method IS NOT NULL AND payment_method.value IS NULL AND f.payment_method_default IS NULL
            THEN f.payment_method_reason END                       AS unknown_reason
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
 CROSS JOIN (
   SELECT max(default_value) FILTER (WHERE field = 'payment_method') AS payment_method_default,
          max(reason_code) FILTER (WHERE field = 'payment_method')   AS payment_method_reason
     FROM ops.categorical_fields
 ) f
  LEFT JOIN LATERAL (
    SELECT v.value FROM ops.categorical_values v
     WHERE v.field = 'payment_method' AND v.key = ops.fold_key(t.payment_method) LIMIT 1
  ) payment_method ON true
 WHERE s.run_id = $1
