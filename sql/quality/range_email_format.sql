-- Customers whose email is not shaped like local@domain.tld.
-- Every row of the run is checked; a blank value is completeness's concern, not a range violation.
WITH checked AS (
  SELECT coalesce(nullif(btrim(customer_id), ''), source_file || ':' || source_line) AS record_id,
         coalesce(btrim(email) <> '' AND btrim(email) !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$', false) AS violated
    FROM staging.customers
   WHERE run_id = $1
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
