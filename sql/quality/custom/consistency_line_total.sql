-- Order lines whose line_total is not round(quantity * unit_price * (1 - discount/100), 2) within
-- 0.01. A blank discount is no discount. Lines whose numbers do not parse are left to the range
-- checks, so one bad value is not counted here as well.
WITH parsed AS (
  SELECT coalesce(nullif(btrim(item_id), ''), source_file || ':' || source_line) AS record_id,
         ops.safe_int(quantity) AS quantity,
         ops.safe_numeric(unit_price) AS unit_price,
         CASE WHEN coalesce(btrim(discount_percentage), '') = '' THEN 0
              ELSE ops.safe_numeric(discount_percentage) END AS discount_percentage,
         ops.safe_numeric(line_total) AS line_total
    FROM staging.transaction_items
   WHERE run_id = $1
  -- A plan node of its own (OFFSET 0): otherwise each parse is inlined, and run, in both the
  -- filter and the comparison below.
  OFFSET 0
), checked AS (
  SELECT record_id,
         abs(line_total - round(quantity * unit_price * (1 - discount_percentage / 100), 2)) > 0.01 AS violated
    FROM parsed
   WHERE quantity IS NOT NULL AND unit_price IS NOT NULL
     AND discount_percentage IS NOT NULL AND line_total IS NOT NULL
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
