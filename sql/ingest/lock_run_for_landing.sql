-- Taken by a file part just before it commits, held until then. $1 run_id.
-- A part that commits after its run failed would leave rows of a failed run in staging; this
-- share lock orders every commit against discard_run_landing's lock, so the part either commits
-- first (and its rows are discarded with the rest) or sees the run failed and rolls back.
SELECT
  status
FROM
  ops.runs
WHERE
  run_id = $1
FOR SHARE;
