-- Finished runs of the ledger that ended before the cutoff $1, except the protected runs $2.
SELECT
  run_id,
  mode,
  status,
  coalesce(finished_at, created_at) AS ended_at
FROM
  ops.runs
WHERE
  status IN ('succeeded', 'failed')
  AND coalesce(finished_at, created_at) < $1
  AND NOT run_id = ANY ($2::text[])
ORDER BY
  ended_at,
  run_id
