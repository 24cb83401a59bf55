-- Order lines whose discount_percentage is not a number from 0 to 100.
-- Every row of the run is checked; a blank value is completeness's concern, not a range violation.
WITH checked AS (
  SELECT coalesce(nullif(btrim(item_id), ''), source_file || ':' || source_line) AS record_id,
         coalesce(btrim(discount_percentage) <> '' AND (ops.safe_numeric(discount_percentage) BETWEEN 0 AND 100) IS NOT TRUE, false) AS violated
    FROM staging.transaction_items
   WHERE run_id = $1
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
