-- order_lines.sql's row order when order_lines_unique.sql proved the run's item_ids unique: by
-- item_id, as the window path's sort leaves them. Production's order lines are written in this
-- table's order (transaction_items.sql), and without it a first load stored them in the order the
-- parallel workers read the typed lines: pg_stats then gave transaction_id a correlation of -0.52
-- (1 when sorted), the planner judged every index probe by transaction_id random, and a one-day
-- delta's transactions_decide.sql hashed all 2.5M production lines for ~2k orders (1.24 s of
-- 1.28 s; the delta's transform 0.56 -> 1.23 s in the bench). The sort runs in the workers, below
-- a Gather Merge.
ORDER BY
  w.item_id COLLATE "C"
