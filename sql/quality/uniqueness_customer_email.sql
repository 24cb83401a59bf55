-- One email (case-insensitive) held by different customer ids in one run. The smallest id keeps
-- the email; every row of another id holding it is a violation. A customer repeated with its own
-- email is uniqueness_customer_id's concern, not this one's.
WITH checked AS (
  SELECT btrim(customer_id) AS record_id,
         btrim(customer_id) <> min(btrim(customer_id)) OVER (PARTITION BY lower(btrim(email))) AS violated
    FROM staging.customers
   WHERE run_id = $1 AND coalesce(btrim(email), '') <> '' AND coalesce(btrim(customer_id), '') <> ''
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
