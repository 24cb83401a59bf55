-- Stores one stage's check results ($2, a JSON array) of run $1; clear_quality_checks runs first.
-- status (pass / warn / fail) is a generated column of ops.quality_checks.
INSERT INTO
  ops.quality_checks (
    run_id,
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
    description
  )
SELECT
  $1,
  c.check_name,
  c.check_type,
  c.stage,
  c.family,
  c.entity,
  c.severity,
  c.threshold,
  coalesce(c.threshold_count, c.threshold_rate * c.rows_checked),
  c.weight,
  c.rows_checked,
  c.violations,
  ARRAY(
    SELECT
      jsonb_array_elements_text(c.sample_ids)
  ),
  c.violations = 0,
  c.description
FROM
  jsonb_to_recordset($2::jsonb) AS c (
    check_name text,
    check_type text,
    stage text,
    family text,
    entity text,
    severity text,
    threshold text,
    threshold_count numeric,
    threshold_rate numeric,
    weight numeric,
    rows_checked bigint,
    violations numeric,
    sample_ids jsonb,
    description text
  );
