-- Taken by a file part once its rows are written, held until it commits. $1 run_id.
-- Parts finishing together take turns here, so exactly one of them (the last to get the lock)
-- sees every other part of the run committed (sql/ingest/open_tasks_besides.sql) and analyses
-- staging for the stage after it. Transaction-level: nothing to release.
SELECT pg_advisory_xact_lock(hashtext('ecom.ingest.stage_end'), hashtext($1));
