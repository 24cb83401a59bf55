-- Forgets what an earlier landing of one input file of a run wrote, so a re-delivered part job
-- starts clean. $1 run_id, $2 source_file.
-- A landing writes its staging rows, quarantine and ops.file_accounting row in one transaction,
-- so without an accounting row nothing of the file can be there: the EXISTS is a one-time
-- filter that skips every scan on a first landing (staging has no index on source_file).
-- File names carry their entity, so only one staging table ever matches; deleting from all four
-- keeps this one statement.
WITH
  landed AS (
    SELECT
      EXISTS (
        SELECT
          1
        FROM
          ops.file_accounting
        WHERE
          run_id = $1
          AND source_file = $2
      ) AS before
  ),
  customers AS (
    DELETE FROM staging.customers
    WHERE
      run_id = $1
      AND source_file = $2
      AND (
        SELECT
          before
        FROM
          landed
      )
  ),
  products AS (
    DELETE FROM staging.products
    WHERE
      run_id = $1
      AND source_file = $2
      AND (
        SELECT
          before
        FROM
          landed
      )
  ),
  transactions AS (
    DELETE FROM staging.transactions
    WHERE
      run_id = $1
      AND source_file = $2
      AND (
        SELECT
          before
        FROM
          landed
      )
  ),
  transaction_items AS (
    DELETE FROM staging.transaction_items
    WHERE
      run_id = $1
      AND source_file = $2
      AND (
        SELECT
          before
        FROM
          landed
      )
  ),
  quarantined AS (
    DELETE FROM ops.quarantine
    WHERE
      run_id = $1
      AND stage = 'ingest'
      AND source_file = $2
  )
DELETE FROM ops.file_accounting
WHERE
  run_id = $1
  AND source_file = $2;
