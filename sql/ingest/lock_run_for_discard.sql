-- Waits for file parts of the run that are committing right now (they hold lock_run_for_landing),
-- so the discard that follows in the same transaction sees their rows. $1 run_id.
SELECT
  status
FROM
  ops.runs
WHERE
  run_id = $1
FOR UPDATE;
