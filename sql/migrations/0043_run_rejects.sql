-- Up Migration
-- A run's quarantined records under the filters of GET /runs/:id/rejects, written once for the
-- page (sql/api/rejects_of_run.sql) and its count (sql/api/rejects_count_of_run.sql). NULL means
-- "not filtered" for every filter. LANGUAGE sql STABLE, one SELECT, not STRICT, no SECURITY
-- DEFINER and no SET: PostgreSQL inlines it into the calling query, where the request's values
-- fold the NULL tests away exactly as in the inline text (the same plans, compared with EXPLAIN);
-- PARALLEL SAFE, as parallel plans are decided before inlining.
CREATE FUNCTION ops.run_rejects(p_run_id text, p_reason text, p_file text, p_stage text, p_entity text, p_resolved boolean)
RETURNS SETOF ops.quarantine
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT q.*
    FROM ops.quarantine q
   WHERE q.run_id = p_run_id
     AND (p_reason IS NULL OR q.reason_code = p_reason)
     AND (p_file IS NULL OR q.source_file = p_file)
     AND (p_stage IS NULL OR q.stage = p_stage)
     AND (p_entity IS NULL OR q.entity = p_entity)
     AND (p_resolved IS NULL OR (q.resolved_at IS NOT NULL) = p_resolved)
$$;

-- Down Migration
DROP FUNCTION ops.run_rejects(text, text, text, text, text, boolean);
