-- Products missing a field production cannot do without: id, name, category, price, cost.
WITH checked AS (
  SELECT coalesce(nullif(btrim(product_id), ''), source_file || ':' || source_line) AS record_id,
         coalesce(btrim(product_id), '') = '' OR coalesce(btrim(product_name), '') = ''
           OR coalesce(btrim(category), '') = '' OR coalesce(btrim(price), '') = ''
           OR coalesce(btrim(cost), '') = '' AS violated
    FROM staging.products
   WHERE run_id = $1
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
