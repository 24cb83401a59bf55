-- A run that failed at ingest keeps nothing it landed: staging rows, ingest quarantine and file
-- accounting of every file of the run go, so a failed run is never a partial load. $1 run_id.
-- Runs after lock_run_for_discard in the same transaction (a statement's snapshot is taken when
-- it starts, so the lock must be a statement of its own).
WITH
  customers AS (
    DELETE FROM staging.customers
    WHERE
      run_id = $1
  ),
  products AS (
    DELETE FROM staging.products
    WHERE
      run_id = $1
  ),
  transactions AS (
    DELETE FROM staging.transactions
    WHERE
      run_id = $1
  ),
  transaction_items AS (
    DELETE FROM staging.transaction_items
    WHERE
      run_id = $1
  ),
  quarantined AS (
    DELETE FROM ops.quarantine
    WHERE
      run_id = $1
      AND stage = 'ingest'
  )
DELETE FROM ops.file_accounting
WHERE
  run_id = $1;
