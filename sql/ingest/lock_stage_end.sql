-- Taken by a file part once its rows are written, held until it commits. $1 run_id.
-- Parts finishing together take turns here, so exactly one part of each entity (the last to get
-- the lock) sees every other part of that entity committed (sql/ingest/analyze_decision.sql)
-- and analyses the entity's staging table. Transaction-level: nothing to release.
SELECT pg_advisory_xact_lock(hashtext('ecom.ingest.stage_end'), hashtext($1));
