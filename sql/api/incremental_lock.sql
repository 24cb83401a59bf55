-- Serialises resolving and recording daily deltas, so two concurrent requests never continue
-- from the same last day. Session-level: held across the resolve and the run's own transaction.
SELECT
  pg_advisory_lock(hashtext ('ecom:incremental-runs'))
