-- Reconciliation after the warehouse load: the line_total sum of the production order lines the
-- run delivered equals the line_total sum of their fact_sales rows (matched on item_id).
-- Violations = the absolute difference in money; rows_checked = delivered lines; samples name
-- lines whose fact is missing or carries another amount.
-- $1 run id.
WITH delivered AS (
  SELECT item_id, line_total FROM production.transaction_items WHERE last_run_id = $1
), facts AS (
  SELECT d.item_id, d.line_total, sum(f.line_total) AS fact_total
    FROM delivered d
    LEFT JOIN warehouse.fact_sales f ON f.item_id = d.item_id
   GROUP BY d.item_id, d.line_total
)
SELECT count(*) AS rows_checked,
       abs(coalesce(sum(line_total), 0) - coalesce(sum(fact_total), 0)) AS violations,
       coalesce((SELECT array_agg(item_id ORDER BY item_id)
                   FROM (SELECT item_id FROM facts WHERE fact_total IS DISTINCT FROM line_total ORDER BY item_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM facts;
