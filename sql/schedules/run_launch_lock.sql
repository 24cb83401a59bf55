-- Serialises launching runs across every api replica: the check for an active run and the new
-- run's insert happen under this lock, so two triggers never both see "no run active".
-- Session-level: held across the check and the run's own transaction, released by run_launch_unlock.
SELECT
  pg_advisory_lock(hashtext ('ecom:run-launch'))
