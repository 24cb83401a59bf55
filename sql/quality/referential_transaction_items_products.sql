-- Order lines whose product exists nowhere.
-- The parent may arrive in this run or already be in production; ids are compared trimmed.
-- A blank reference is completeness's concern.
WITH staged_parents AS (
  SELECT DISTINCT btrim(product_id) AS id FROM staging.products WHERE run_id = $1
), checked AS (
  SELECT coalesce(nullif(btrim(c.item_id), ''), c.source_file || ':' || c.source_line) AS record_id,
         s.id IS NULL AND p.product_id IS NULL AS violated
    FROM staging.transaction_items c
    LEFT JOIN staged_parents s ON s.id = btrim(c.product_id)
    LEFT JOIN production.products p ON p.product_id = btrim(c.product_id)
   WHERE c.run_id = $1 AND coalesce(btrim(c.product_id), '') <> ''
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
