-- order_lines.sql's `windowed` when order_lines_unique.sql proved the run's item_ids unique: every
-- line is the only one of its item_id, so every line is chosen, as the window
-- (order_lines_chosen_window.sql) would choose it. Without the window nothing sorts the lines or
-- runs in the leader alone: the workers check and project them, the leader writes the table.
SELECT
  c.*,
  true AS chosen
FROM
  checked c
