-- Reconciliation after transform: the revenue of the order lines the transform accepted (staged
-- lines it did not quarantine, line_total as production stores it, numeric(12,2)) equals the
-- line_total of the production lines the run delivered (last_run_id = the run).
-- Compared per item_id, so amounts cannot cancel out: violations = sum of |accepted - delivered|
-- per line, in money (a line on one side only counts its whole amount); rows_checked = lines
-- compared; expected = accepted revenue, actual = delivered revenue; samples name lines whose
-- amounts differ or are missing on one side. A run that staged no order lines checks 0 rows.
-- Template: {{table}} the run's staged order lines (typed table or staging; run_filter picks the
-- run's), {{line_total}} line_total parsed. $1 run id.
WITH rejected AS MATERIALIZED (
  -- The run's order-line rejects, hashed once beside the scan of the staged lines.
  SELECT DISTINCT source_file, source_line
    FROM ops.quarantine
   WHERE run_id = $1 AND stage = 'transform' AND entity = 'transaction_items'
), accepted AS (
  SELECT nullif(btrim(s.item_id), '') AS item_id,
         sum(CASE WHEN abs({{line_total}}) < 1e10 THEN {{line_total}}::numeric(12,2) END) AS line_total
    FROM {{table}} s
    LEFT JOIN rejected q ON q.source_file = s.source_file AND q.source_line = s.source_line
   WHERE {{run_filter}} AND q.source_file IS NULL
   GROUP BY 1
), delivered AS (
  SELECT item_id, line_total FROM production.transaction_items WHERE last_run_id = $1
), compared AS (
  SELECT coalesce(a.item_id, d.item_id, '(blank item_id)') AS item_id,
         coalesce(a.line_total, 0) AS expected,
         coalesce(d.line_total, 0) AS actual,
         a.item_id IS NULL OR d.item_id IS NULL AS one_sided
    FROM accepted a
    FULL JOIN delivered d ON d.item_id = a.item_id
)
SELECT count(*) AS rows_checked,
       coalesce(sum(abs(expected - actual)), 0) AS violations,
       coalesce(sum(expected), 0) AS expected,
       coalesce(sum(actual), 0) AS actual,
       coalesce((SELECT array_agg(item_id ORDER BY item_id)
                   FROM (SELECT item_id FROM compared WHERE expected <> actual OR one_sided ORDER BY item_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM compared;
