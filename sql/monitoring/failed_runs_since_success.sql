-- Failed runs started after the newest succeeded run: each stays a problem until a run succeeds.
SELECT
  run_id,
  mode,
  failed_stage,
  error,
  finished_at
FROM
  ops.runs
WHERE
  status = 'failed'
  AND created_at > coalesce(
    (
      SELECT
        max(created_at)
      FROM
        ops.runs
      WHERE
        status = 'succeeded'
    ),
    '-infinity'
  )
ORDER BY
  created_at DESC,
  run_id DESC
LIMIT
  20
