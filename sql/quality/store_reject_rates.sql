-- Stores the run's reject rates (the rows of reject_rates.sql as JSON, $2), replacing earlier ones
-- of the same run (every entity has a row each time). $1 run id.
INSERT INTO
  ops.reject_rates (
    run_id,
    entity,
    records,
    ingest_rejects,
    transform_rejects,
    reject_rate,
    max_reject_pct,
    passed,
    top_reasons
  )
SELECT
  $1,
  r.entity,
  r.records,
  r.ingest_rejects,
  r.transform_rejects,
  r.reject_rate,
  r.max_reject_pct,
  r.passed,
  r.top_reasons
FROM
  jsonb_to_recordset($2::jsonb) AS r (
    entity text,
    records bigint,
    ingest_rejects bigint,
    transform_rejects bigint,
    reject_rate numeric,
    max_reject_pct numeric,
    passed boolean,
    top_reasons jsonb
  )
ON CONFLICT (run_id, entity) DO UPDATE
SET
  records = excluded.records,
  ingest_rejects = excluded.ingest_rejects,
  transform_rejects = excluded.transform_rejects,
  reject_rate = excluded.reject_rate,
  max_reject_pct = excluded.max_reject_pct,
  passed = excluded.passed,
  top_reasons = excluded.top_reasons,
  created_at = now();
