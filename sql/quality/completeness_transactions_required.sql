-- Transactions missing a field production cannot do without: id, customer, date, payment method, total.
WITH checked AS (
  SELECT coalesce(nullif(btrim(transaction_id), ''), source_file || ':' || source_line) AS record_id,
         coalesce(btrim(transaction_id), '') = '' OR coalesce(btrim(customer_id), '') = ''
           OR coalesce(btrim(transaction_date), '') = '' OR coalesce(btrim(payment_method), '') = ''
           OR coalesce(btrim(total_amount), '') = '' AS violated
    FROM staging.transactions
   WHERE run_id = $1
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
