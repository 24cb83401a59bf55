-- A first warehouse load's lines: every production line up to the load's watermarks, with
-- item_id, line_total and the order's date_key. What the production -> warehouse reconciliations of
-- a first load answer for, in their sums (first_load_sums.sql) and, when those differ, their
-- per-line comparisons (first_load_lines of warehouse_load_lines.sql): one definition for both.
-- A first load reads each line once (item_id is transaction_items' key): no de-duplication, which
-- at 2.5M text keys spilled and cost ~6 s.
-- Placeholders items_to and transactions_to: the watermarks of order lines and orders (a bind
-- parameter, or a subquery on the load's record); first: a condition that holds for a first load.
SELECT
  i.item_id,
  i.line_total,
  to_char(t.transaction_date, 'YYYYMMDD')::integer AS date_key
FROM
  production.transaction_items i
  JOIN production.transactions t ON t.transaction_id = i.transaction_id
  AND t.updated_at <= {{transactions_to}}
  -- No lower bound: a first load's windows start at -infinity (and a bound the planner cannot
  -- see made it guess a few rows and hash all 2.5M lines in every worker).
WHERE
  i.updated_at <= {{items_to}}
  AND {{first}}
