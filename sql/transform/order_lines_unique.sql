-- Whether the run's item_ids ({{transaction_items}}: trimmed, blank NULL) are proved unique, before
-- order_lines.sql: then no line is a duplicate and the lines are built without the window that
-- finds duplicates (order_lines_chosen_unique.sql). The proof: as many distinct 8-byte hashes as
-- item_ids; distinct hashes are distinct values, so true is exact. False means a repeated item_id or,
-- rarely, two item_ids with one hash: the window then decides, as it always did.
-- Cost: the hashes sorted as plain int8 datums by count(DISTINCT) (as sql/quality/unique.sql),
-- ~0.6 s of CPU at 1M orders (2.5M lines), where the window's sort and the leader's pass over the
-- sorted lines cost several seconds.
SELECT
  count(*) = count(DISTINCT hashtextextended (item_id, 0)) AS item_ids_unique
FROM
  {{transaction_items}}
WHERE
  item_id IS NOT NULL
