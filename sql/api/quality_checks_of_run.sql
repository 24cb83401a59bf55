-- Every quality check of a run, failures first. $1 run id.
SELECT check_name, family, entity, weight, rows_checked, violations, sample_ids, passed, description
  FROM ops.quality_checks
 WHERE run_id = $1
 ORDER BY passed, family, check_name
