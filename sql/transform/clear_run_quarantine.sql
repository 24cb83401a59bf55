-- A retried or re-delivered transform starts from a clean slate: the rows it quarantined
-- before are quarantined again by this attempt, never twice.
DELETE FROM ops.quarantine
WHERE
  run_id = $1
  AND stage = 'transform'
