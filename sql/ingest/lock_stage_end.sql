-- Taken by a file part once its rows are written, held until it commits. $1 run_id, $2 entity.
-- Parts of one entity finishing together take turns here, so exactly one of them (the last to get
-- the lock) sees every other part of that entity committed (sql/ingest/analyze_decision.sql) and
-- analyses the entity's staging table. Keyed by entity, so a part analysing its table never holds
-- up parts of other entities finishing meanwhile. Transaction-level: nothing to release.
SELECT
  pg_advisory_xact_lock(hashtext ('ecom.ingest.stage_end'), hashtext ($1 || '/' || $2));
