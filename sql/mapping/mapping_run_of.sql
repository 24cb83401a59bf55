-- A mapped run's mapping, the source's control totals and the warehouse's as the warehouse stage
-- kept them (NULL until it has run); no row for other runs. $1 run id.
SELECT
  mapping,
  control_totals,
  warehouse_totals
FROM
  ops.mapping_runs
WHERE
  run_id = $1
