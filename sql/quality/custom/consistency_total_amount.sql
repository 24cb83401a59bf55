-- Transactions whose total_amount is not the sum of their order lines' line_total within 0.01.
-- Only transactions with lines in this run whose amounts all parse can be compared; the rest are
-- left to the range and referential checks.
WITH line_sums AS (
  SELECT btrim(transaction_id) AS transaction_id,
         sum(ops.safe_numeric(line_total)) AS lines_total,
         bool_and(ops.safe_numeric(line_total) IS NOT NULL) AS all_parsed
    FROM staging.transaction_items
   WHERE run_id = $1 AND coalesce(btrim(transaction_id), '') <> ''
   GROUP BY 1
), checked AS (
  SELECT coalesce(nullif(btrim(t.transaction_id), ''), t.source_file || ':' || t.source_line) AS record_id,
         abs(ops.safe_numeric(t.total_amount) - l.lines_total) > 0.01 AS violated
    FROM staging.transactions t
    JOIN line_sums l ON l.transaction_id = btrim(t.transaction_id)
   WHERE t.run_id = $1 AND l.all_parsed AND ops.safe_numeric(t.total_amount) IS NOT NULL
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
