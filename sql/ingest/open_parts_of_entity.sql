-- Ingest parts of the run for the same entity, other than $2, that have not committed their
-- landing yet. $1 run_id, $2 task_key, $3 entity.
SELECT count(*)::int AS open FROM ops.stage_tasks
 WHERE run_id = $1 AND stage = 'ingest' AND task_key <> $2 AND payload ->> 'entity' = $3 AND status <> 'succeeded';
