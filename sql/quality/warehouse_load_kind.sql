-- The kind of warehouse load run $1 recorded in ops.warehouse_loads, which the production ->
-- warehouse reconciliations take as their $2: 'rebuild', 'first' (a first load: no earlier
-- watermark) or 'incremental'; no row when the run has not loaded. With the load's watermarks of
-- order lines and orders as text (a JavaScript Date would drop their microseconds), under which a
-- first load's lines lie (first_load_lines.sql).
SELECT
  CASE
    WHEN mode = 'rebuild' THEN 'rebuild'
    WHEN items_from IS NULL
    AND transactions_from IS NULL THEN 'first'
    ELSE 'incremental'
  END AS kind,
  items_to::text AS items_to,
  transactions_to::text AS transactions_to
FROM
  ops.warehouse_loads
WHERE
  run_id = $1
