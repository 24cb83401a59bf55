-- Transactions whose transaction_date is not a real YYYY-MM-DD date or lies in the future.
-- Every row of the run is checked; a blank value is completeness's concern, not a range violation.
WITH checked AS (
  SELECT coalesce(nullif(btrim(transaction_id), ''), source_file || ':' || source_line) AS record_id,
         coalesce(btrim(transaction_date) <> '' AND (ops.safe_date(transaction_date) <= current_date) IS NOT TRUE, false) AS violated
    FROM staging.transactions
   WHERE run_id = $1
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
