-- Deletes what expired_staging.sql lists (same cutoff $1 and protected runs $2), per table and run.
WITH
  expired_runs AS (
    SELECT
      run_id
    FROM
      ops.runs
    WHERE
      status IN ('succeeded', 'failed')
      AND coalesce(finished_at, created_at) < $1
      AND NOT run_id = ANY ($2::text[])
  ),
  customers AS (
    DELETE FROM staging.customers s
    WHERE
      NOT s.run_id = ANY ($2::text[])
      AND (
        s.run_id IN (
          SELECT
            run_id
          FROM
            expired_runs
        )
        OR (
          s.loaded_at < $1
          AND NOT EXISTS (
            SELECT
              1
            FROM
              ops.runs r
            WHERE
              r.run_id = s.run_id
          )
        )
      )
    RETURNING
      s.run_id
  ),
  products AS (
    DELETE FROM staging.products s
    WHERE
      NOT s.run_id = ANY ($2::text[])
      AND (
        s.run_id IN (
          SELECT
            run_id
          FROM
            expired_runs
        )
        OR (
          s.loaded_at < $1
          AND NOT EXISTS (
            SELECT
              1
            FROM
              ops.runs r
            WHERE
              r.run_id = s.run_id
          )
        )
      )
    RETURNING
      s.run_id
  ),
  transactions AS (
    DELETE FROM staging.transactions s
    WHERE
      NOT s.run_id = ANY ($2::text[])
      AND (
        s.run_id IN (
          SELECT
            run_id
          FROM
            expired_runs
        )
        OR (
          s.loaded_at < $1
          AND NOT EXISTS (
            SELECT
              1
            FROM
              ops.runs r
            WHERE
              r.run_id = s.run_id
          )
        )
      )
    RETURNING
      s.run_id
  ),
  transaction_items AS (
    DELETE FROM staging.transaction_items s
    WHERE
      NOT s.run_id = ANY ($2::text[])
      AND (
        s.run_id IN (
          SELECT
            run_id
          FROM
            expired_runs
        )
        OR (
          s.loaded_at < $1
          AND NOT EXISTS (
            SELECT
              1
            FROM
              ops.runs r
            WHERE
              r.run_id = s.run_id
          )
        )
      )
    RETURNING
      s.run_id
  ),
  deleted AS (
    SELECT
      'customers' AS entity,
      run_id
    FROM
      customers
    UNION ALL
    SELECT
      'products',
      run_id
    FROM
      products
    UNION ALL
    SELECT
      'transactions',
      run_id
    FROM
      transactions
    UNION ALL
    SELECT
      'transaction_items',
      run_id
    FROM
      transaction_items
  )
SELECT
  entity,
  run_id,
  count(*)::bigint AS row_count
FROM
  deleted
GROUP BY
  entity,
  run_id
ORDER BY
  entity,
  run_id
