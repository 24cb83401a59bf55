-- The newest run that succeeded, and how many hours ago it finished.
SELECT
  run_id,
  finished_at,
  extract(
    epoch
    FROM
      now() - finished_at
  )::float8 / 3600 AS hours_ago
FROM
  ops.runs
WHERE
  status = 'succeeded'
ORDER BY
  finished_at DESC NULLS LAST
LIMIT
  1
