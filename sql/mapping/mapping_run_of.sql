-- A mapped run's mapping and the source's control totals; no row for other runs. $1 run id.
SELECT
  mapping,
  control_totals
FROM
  ops.mapping_runs
WHERE
  run_id = $1
