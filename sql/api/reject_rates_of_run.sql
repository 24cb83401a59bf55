-- The run's reject rates per entity, as the transform measured them (ops.reject_rates). $1 run id.
SELECT
  entity,
  records,
  ingest_rejects,
  transform_rejects,
  reject_rate,
  max_reject_pct,
  passed,
  top_reasons
FROM
  ops.reject_rates
WHERE
  run_id = $1
ORDER BY
  array_position(ARRAY['customers', 'products', 'transactions', 'transaction_items'], entity)
