-- products: the same product_id twice in one run. Each row after the first holding an id is one
-- violation; blank ids are completeness's concern.
WITH checked AS (
  SELECT btrim(product_id) AS record_id,
         row_number() OVER (PARTITION BY btrim(product_id) ORDER BY source_file, source_line) > 1 AS violated
    FROM staging.products
   WHERE run_id = $1 AND coalesce(btrim(product_id), '') <> ''
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
