-- One run's ledger row. $1 run id.
SELECT
  run_id,
  mode,
  params,
  status,
  failed_stage,
  error,
  created_at,
  started_at,
  finished_at
FROM
  ops.runs
WHERE
  run_id = $1
