-- Order lines missing a field production cannot do without: id, transaction, product, quantity,
-- unit price, line total. A blank discount means no discount, so it is not required.
WITH checked AS (
  SELECT coalesce(nullif(btrim(item_id), ''), source_file || ':' || source_line) AS record_id,
         coalesce(btrim(item_id), '') = '' OR coalesce(btrim(transaction_id), '') = ''
           OR coalesce(btrim(product_id), '') = '' OR coalesce(btrim(quantity), '') = ''
           OR coalesce(btrim(unit_price), '') = '' OR coalesce(btrim(line_total), '') = '' AS violated
    FROM staging.transaction_items
   WHERE run_id = $1
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
