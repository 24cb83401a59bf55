-- customers: the same customer_id twice in one run. Each row after the first holding an id is one
-- violation; blank ids are completeness's concern.
WITH checked AS (
  SELECT btrim(customer_id) AS record_id,
         row_number() OVER (PARTITION BY btrim(customer_id) ORDER BY source_file, source_line) > 1 AS violated
    FROM staging.customers
   WHERE run_id = $1 AND coalesce(btrim(customer_id), '') <> ''
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
