-- Transactions whose total_amount is not the sum of their order lines' line_total within 0.01.
-- Only transactions with lines in this run whose amounts all parse can be compared; the rest are
-- left to the range and referential checks.
-- The OFFSET 0 subqueries parse each amount once: inlined, a parse runs once per reference.
WITH lines AS (
  SELECT btrim(transaction_id) AS transaction_id, ops.safe_numeric(line_total) AS line_total
    FROM staging.transaction_items
   WHERE run_id = $1 AND coalesce(btrim(transaction_id), '') <> ''
  OFFSET 0
), line_sums AS (
  SELECT transaction_id,
         sum(line_total) AS lines_total,
         bool_and(line_total IS NOT NULL) AS all_parsed
    FROM lines
   GROUP BY 1
), orders AS (
  SELECT coalesce(nullif(btrim(transaction_id), ''), source_file || ':' || source_line) AS record_id,
         btrim(transaction_id) AS transaction_id,
         ops.safe_numeric(total_amount) AS total_amount
    FROM staging.transactions
   WHERE run_id = $1
  OFFSET 0
), checked AS (
  SELECT o.record_id,
         abs(o.total_amount - l.lines_total) > 0.01 AS violated
    FROM orders o
    JOIN line_sums l ON l.transaction_id = o.transaction_id
   WHERE l.all_parsed AND o.total_amount IS NOT NULL
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
