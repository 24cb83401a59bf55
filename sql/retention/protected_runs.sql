-- Runs retention never touches, with the reason: queued or running runs, the latest succeeded
-- run (what GET /analytics serves and row_count_change compares with), the newest generated run
-- that has not failed (the next daily delta continues it) and the run of the newest warehouse
-- load (the next incremental load starts at its watermark).
SELECT
  run_id,
  'active' AS reason
FROM
  ops.runs
WHERE
  status IN ('queued', 'running')
UNION ALL
(
  SELECT
    run_id,
    'latest succeeded'
  FROM
    ops.runs
  WHERE
    status = 'succeeded'
  ORDER BY
    created_at DESC,
    run_id DESC
  LIMIT
    1
)
UNION ALL
(
  SELECT
    run_id,
    'latest generated'
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
)
UNION ALL
(
  SELECT
    run_id,
    'latest warehouse load'
  FROM
    ops.warehouse_loads
  ORDER BY
    loaded_at DESC,
    run_id DESC
  LIMIT
    1
)
