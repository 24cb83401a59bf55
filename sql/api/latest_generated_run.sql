-- The newest run that generated data (a full data set or a daily delta) and has not failed: a
-- delta continues after its last day. Ties on created_at (same instant) go to the larger id.
SELECT
  run_id,
  mode,
  params
FROM
  ops.runs
WHERE
  mode IN ('generate', 'incremental')
  AND status <> 'failed'
ORDER BY
  created_at DESC,
  run_id DESC
LIMIT
  1
