-- Stores the run's check results ($2, a JSON array); clear_quality_checks runs first.
INSERT INTO ops.quality_checks
  (run_id, check_name, family, entity, weight, rows_checked, violations, sample_ids, passed, description)
SELECT $1, c.check_name, c.family, c.entity, c.weight, c.rows_checked, c.violations,
       ARRAY(SELECT jsonb_array_elements_text(c.sample_ids)), c.violations = 0, c.description
  FROM jsonb_to_recordset($2::jsonb) AS c(check_name text, family text, entity text, weight numeric,
                                          rows_checked bigint, violations bigint, sample_ids jsonb, description text);
