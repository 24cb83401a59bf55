-- order_lines.sql's `windowed` when the run's item_ids may repeat (order_lines_unique.sql could not
-- prove them unique): which line of each item_id is chosen, the others being its duplicates.
--
-- The latest valid line of a key (by source_file, source_line) is chosen: the first of its key in
-- this order; the others are duplicates. The key sorts in "C" (byte) order: which lines share a
-- key is the same as in the database's collation (deterministic: equal means the same bytes),
-- and byte comparisons sort 2.5M lines faster than the collation's; which line of a key is the
-- latest is still decided in the collation. The five keys after source_line never decide anything (a run's source_file and
-- source_line name one line): they make the parallel workers compute the line's checks and
-- cleaned values below the sort. The window's own projection runs in the leader alone, and it
-- would otherwise evaluate them there, ~25% of this statement at 1M orders.
SELECT
  c.*,
  c.item_id IS NULL
  OR c.item_id IS DISTINCT FROM lag(c.item_id) OVER latest_first AS chosen
FROM
  checked c
WINDOW
  latest_first AS (
    ORDER BY
      c.item_id COLLATE "C",
      c.own_reason IS NULL DESC,
      c.source_file DESC,
      c.source_line DESC,
      c.own_reason,
      c.expected_line_total,
      c.unit_price,
      c.discount_percentage,
      c.line_total
  )
