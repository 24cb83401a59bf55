-- The stage transaction's snapshot (one_snapshot.sql), for the connection that runs the analyses
-- reading only the warehouse beside the summaries' refresh (import_snapshot.sql): the same
-- warehouse state as the stage's own statements. Valid while the stage's transaction is open.
SELECT
  pg_export_snapshot() AS snapshot
