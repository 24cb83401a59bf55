-- Deletes what expired_quarantine.sql lists (same cutoff $1 and protected runs $2), per run.
WITH
  deleted AS (
    DELETE FROM ops.quarantine
    WHERE
      created_at < $1
      AND NOT run_id = ANY ($2::text[])
    RETURNING
      run_id
  )
SELECT
  run_id,
  count(*)::bigint AS row_count
FROM
  deleted
GROUP BY
  run_id
ORDER BY
  run_id
