-- The newest warehouse load, which a refresh reflects (none before the first load).
SELECT
  run_id,
  loaded_at
FROM
  ops.warehouse_loads
ORDER BY
  loaded_at DESC,
  run_id DESC
LIMIT
  1
