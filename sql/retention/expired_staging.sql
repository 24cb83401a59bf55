-- Staging rows past retention, per table and run: rows of runs that finished before the cutoff
-- $1, and rows that landed before it whose run is no longer in the ledger. Protected runs $2 keep
-- theirs.
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
  expired AS (
    SELECT
      'customers' AS entity,
      s.run_id,
      s.loaded_at
    FROM
      staging.customers s
    UNION ALL
    SELECT
      'products',
      s.run_id,
      s.loaded_at
    FROM
      staging.products s
    UNION ALL
    SELECT
      'transactions',
      s.run_id,
      s.loaded_at
    FROM
      staging.transactions s
    UNION ALL
    SELECT
      'transaction_items',
      s.run_id,
      s.loaded_at
    FROM
      staging.transaction_items s
  )
SELECT
  e.entity,
  e.run_id,
  count(*)::bigint AS row_count
FROM
  expired e
WHERE
  NOT e.run_id = ANY ($2::text[])
  AND (
    e.run_id IN (
      SELECT
        run_id
      FROM
        expired_runs
    )
    OR (
      e.loaded_at < $1
      AND NOT EXISTS (
        SELECT
          1
        FROM
          ops.runs r
        WHERE
          r.run_id = e.run_id
      )
    )
  )
GROUP BY
  e.entity,
  e.run_id
ORDER BY
  e.entity,
  e.run_id
