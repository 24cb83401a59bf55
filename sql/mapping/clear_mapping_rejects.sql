-- A retried ingest plan converts the source again: its set-aside lines replace the earlier ones.
DELETE FROM ops.quarantine
WHERE
  run_id = $1
  AND stage = 'mapping'
