-- Reconciliation after transform: the revenue of the order lines the transform accepted (staged
-- lines it did not quarantine, line_total as production stores it, numeric(12,2)) equals the
-- line_total sum of the production lines the run delivered. Violations = the absolute difference
-- in money; rows_checked = delivered lines; samples name lines whose amounts differ or are missing.
-- $1 run id.
WITH accepted AS (
  SELECT btrim(s.item_id) AS item_id, ops.safe_numeric(s.line_total)::numeric(12,2) AS line_total
    FROM staging.transaction_items s
   WHERE s.run_id = $1
     AND NOT EXISTS (SELECT 1 FROM ops.quarantine q
                      WHERE q.run_id = $1 AND q.stage = 'transform' AND q.entity = 'transaction_items'
                        AND q.source_file = s.source_file AND q.source_line = s.source_line)
), delivered AS (
  SELECT item_id, line_total FROM production.transaction_items WHERE last_run_id = $1
), differing AS (
  SELECT coalesce(a.item_id, d.item_id) AS item_id
    FROM accepted a
    FULL JOIN delivered d ON d.item_id = a.item_id
   WHERE a.line_total IS DISTINCT FROM d.line_total
)
SELECT (SELECT count(*) FROM delivered) AS rows_checked,
       abs(coalesce((SELECT sum(line_total) FROM accepted), 0) - coalesce((SELECT sum(line_total) FROM delivered), 0)) AS violations,
       coalesce((SELECT array_agg(item_id ORDER BY item_id)
                   FROM (SELECT DISTINCT item_id FROM differing ORDER BY item_id LIMIT 10) s),
                '{}') AS sample_ids;
