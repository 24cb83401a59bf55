-- Up Migration
-- A quarantined record is resolved when a replay run (POST /runs/:id/replay) delivers a corrected
-- row with the same entity and key to production. The reject stays as evidence; these columns say
-- that it has been dealt with, when, and by which run. A deleted replay run leaves the reject
-- resolved but no longer names it.
ALTER TABLE ops.quarantine
  ADD COLUMN resolved_at     timestamptz,
  ADD COLUMN resolved_by_run text REFERENCES ops.runs ON DELETE SET NULL;

-- GET /runs/:id/rejects pages a run's rejects in id order (offset or keyset).
CREATE INDEX quarantine_run_id_idx ON ops.quarantine (run_id, quarantine_id);
-- The replay's transform looks up the replayed run's still open rejects by entity and key.
CREATE INDEX quarantine_unresolved_key_idx ON ops.quarantine (run_id, entity, record_key)
  WHERE resolved_at IS NULL;
-- What a replay run resolved, and the ON DELETE SET NULL of a deleted run, without a full scan.
CREATE INDEX quarantine_resolved_by_run_idx ON ops.quarantine (resolved_by_run)
  WHERE resolved_by_run IS NOT NULL;

-- Down Migration
DROP INDEX ops.quarantine_resolved_by_run_idx;
DROP INDEX ops.quarantine_unresolved_key_idx;
DROP INDEX ops.quarantine_run_id_idx;
ALTER TABLE ops.quarantine
  DROP COLUMN resolved_by_run,
  DROP COLUMN resolved_at;
