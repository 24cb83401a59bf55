-- Reconciliation after transform: every production order the run touched equals its lines. An
-- order is touched when the run delivered its header or one of its lines (last_run_id = the run);
-- its total_amount must equal the line_total sum of ALL its production lines (older runs' included)
-- to the cent, and it must have at least one line (docs/rejects.md "Orders add up").
-- rows_checked = orders checked; violations = orders that do not add up; expected = their
-- total_amount sum, actual = their lines' line_total sum; samples name the first ten orders.
-- Orders the run did not touch cannot have changed (the transform writes only what it stamps), so
-- they are not read again: at 1M orders a full check costs more than the touched one (docs/quality.md).
-- $1 run id.
WITH touched AS MATERIALIZED (
  SELECT t.transaction_id FROM production.transactions t WHERE t.last_run_id = $1
  UNION
  SELECT i.transaction_id FROM production.transaction_items i WHERE i.last_run_id = $1
), lines AS (
  SELECT i.transaction_id, count(*) AS lines, sum(i.line_total) AS lines_total
    FROM production.transaction_items i
   WHERE i.transaction_id IN (SELECT transaction_id FROM touched)
   GROUP BY i.transaction_id
), orders AS (
  SELECT t.transaction_id, t.total_amount, coalesce(l.lines, 0) AS lines, coalesce(l.lines_total, 0) AS lines_total
    FROM touched o
    JOIN production.transactions t ON t.transaction_id = o.transaction_id
    LEFT JOIN lines l ON l.transaction_id = o.transaction_id
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE o.lines = 0 OR o.total_amount <> o.lines_total) AS violations,
       coalesce(sum(o.total_amount), 0) AS expected,
       coalesce(sum(o.lines_total), 0) AS actual,
       coalesce((array_agg(o.transaction_id ORDER BY o.transaction_id)
                   FILTER (WHERE o.lines = 0 OR o.total_amount <> o.lines_total))[1:10], '{}') AS sample_ids
  FROM orders o;
