-- Reconciliation after transform, per entity: every staged row of the run is either delivered to
-- production (last_run_id = the run) or quarantined by the transform with a reason
-- (CONTRACT.md section 3). Violations = |staged - delivered - rejected|; samples name staged lines
-- that are neither, and delivered keys the run never staged.
-- Runs inside the transform's transaction, right after its upserts: a later run may take over
-- last_run_id.
-- Template: {{table}} staging table, {{production_table}} production table, {{key}} the entity's
-- key. $1 run id, $2 entity (as ops.quarantine names it).
WITH staged AS (
  SELECT source_file, source_line, nullif(btrim({{key}}), '') AS record_key
    FROM {{table}}
   WHERE run_id = $1
), rejected AS (
  SELECT source_file, source_line
    FROM ops.quarantine
   WHERE run_id = $1 AND stage = 'transform' AND entity = $2
), delivered AS (
  SELECT {{key}} AS record_key FROM {{production_table}} WHERE last_run_id = $1
), unaccounted AS (
  SELECT coalesce(s.record_key, s.source_file || ':' || s.source_line) AS record_id
    FROM staged s
   WHERE NOT EXISTS (SELECT 1 FROM rejected r WHERE r.source_file = s.source_file AND r.source_line = s.source_line)
     AND NOT EXISTS (SELECT 1 FROM delivered d WHERE d.record_key = s.record_key)
  UNION
  SELECT d.record_key FROM delivered d WHERE NOT EXISTS (SELECT 1 FROM staged s WHERE s.record_key = d.record_key)
)
SELECT (SELECT count(*) FROM staged) AS rows_checked,
       abs((SELECT count(*) FROM staged) - (SELECT count(*) FROM delivered) - (SELECT count(*) FROM rejected)) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT record_id FROM unaccounted ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids;
