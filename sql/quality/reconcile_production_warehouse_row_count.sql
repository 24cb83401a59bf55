-- Reconciliation after the warehouse load: every production order line the run delivered has
-- exactly one fact_sales row (matched on item_id, the line's natural key, whichever run last
-- wrote the fact). Violations = |lines - facts|; samples name lines with no fact or several.
-- $1 run id.
WITH delivered AS (
  SELECT item_id FROM production.transaction_items WHERE last_run_id = $1
), facts AS (
  SELECT d.item_id, count(f.item_id) AS fact_rows
    FROM delivered d
    LEFT JOIN warehouse.fact_sales f ON f.item_id = d.item_id
   GROUP BY d.item_id
)
SELECT count(*) AS rows_checked,
       abs(count(*) - coalesce(sum(fact_rows), 0)) AS violations,
       coalesce((SELECT array_agg(item_id ORDER BY item_id)
                   FROM (SELECT item_id FROM facts WHERE fact_rows <> 1 ORDER BY item_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM facts;
