-- Serialises reconciling alerts (scheduled and manual evaluations, any replica) until commit.
SELECT
  pg_advisory_xact_lock(hashtext ('ecom:alerts'))
