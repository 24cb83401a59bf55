-- Products whose price or cost is not a number above 0, or whose cost is not below the price (a
-- custom check: it compares two columns of one row). $1 run id.
-- Every row of the run is checked; a blank value is completeness's concern, not a range violation.
WITH checked AS (
  SELECT coalesce(nullif(btrim(product_id), ''), source_file || ':' || source_line) AS record_id,
         coalesce((btrim(price) <> '' AND (ops.safe_numeric(price) > 0) IS NOT TRUE)
           OR (btrim(cost) <> '' AND (ops.safe_numeric(cost) > 0) IS NOT TRUE)
           OR ops.safe_numeric(cost) >= ops.safe_numeric(price), false) AS violated
    FROM staging.products
   WHERE run_id = $1
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
