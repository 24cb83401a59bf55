-- Quarantined rows recorded before the cutoff $1, per run, except those of protected runs $2.
SELECT
  run_id,
  count(*)::bigint AS row_count
FROM
  ops.quarantine
WHERE
  created_at < $1
  AND NOT run_id = ANY ($2::text[])
GROUP BY
  run_id
ORDER BY
  run_id
