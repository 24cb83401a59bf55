-- Keeps the warehouse side of a mapped run's control totals (warehouse_totals_of_run.sql's row)
-- in its record: the staging rows it is computed from go with retention before the run does.
-- No row for other runs. $1 run id, $2 the totals as jsonb.
UPDATE ops.mapping_runs
SET
  warehouse_totals = $2
WHERE
  run_id = $1
