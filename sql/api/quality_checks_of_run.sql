-- Every quality check of a run, of every stage that checks (validate, then the transform's and the
-- warehouse's reconciliations): failures first, then warnings, then passes. $1 run id.
SELECT
  check_name,
  check_type,
  stage,
  family,
  entity,
  severity,
  threshold,
  allowed_violations,
  weight,
  rows_checked,
  violations,
  sample_ids,
  passed,
  status,
  description
FROM
  ops.quality_checks
WHERE
  run_id = $1
ORDER BY
  array_position(ARRAY['fail', 'warn', 'pass'], status),
  array_position(ARRAY['validate', 'transform', 'warehouse'], stage),
  family,
  check_name
