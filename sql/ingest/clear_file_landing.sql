-- Forgets what an earlier attempt landed from one input file of a run, so a retried or
-- re-delivered part job starts clean. $1 run_id, $2 source_file.
-- File names carry their entity, so only one staging table ever matches; deleting from all four
-- keeps this one statement.
WITH customers AS (
  DELETE FROM staging.customers WHERE run_id = $1 AND source_file = $2
), products AS (
  DELETE FROM staging.products WHERE run_id = $1 AND source_file = $2
), transactions AS (
  DELETE FROM staging.transactions WHERE run_id = $1 AND source_file = $2
), transaction_items AS (
  DELETE FROM staging.transaction_items WHERE run_id = $1 AND source_file = $2
), quarantined AS (
  DELETE FROM ops.quarantine WHERE run_id = $1 AND stage = 'ingest' AND source_file = $2
)
DELETE FROM ops.file_accounting WHERE run_id = $1 AND source_file = $2;
