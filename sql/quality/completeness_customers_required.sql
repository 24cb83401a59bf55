-- Customers missing a field production cannot do without: id, names, email, registration date.
WITH checked AS (
  SELECT coalesce(nullif(btrim(customer_id), ''), source_file || ':' || source_line) AS record_id,
         coalesce(btrim(customer_id), '') = '' OR coalesce(btrim(first_name), '') = ''
           OR coalesce(btrim(last_name), '') = '' OR coalesce(btrim(email), '') = ''
           OR coalesce(btrim(registration_date), '') = '' AS violated
    FROM staging.customers
   WHERE run_id = $1
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
