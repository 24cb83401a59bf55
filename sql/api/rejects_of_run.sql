-- One page of a run's quarantined records in id order, filtered. $1 run id; filters, NULL = any:
-- $2 reason_code, $3 source_file, $4 stage, $5 entity, $6 resolved (true / false);
-- $7 keyset cursor: only ids above it (NULL = from the start); $8 limit; $9 offset.
SELECT
  q.quarantine_id,
  q.stage,
  q.entity,
  q.source_file,
  q.source_line,
  q.record_key,
  q.reason_code,
  q.message,
  q.raw_record,
  q.resolved_at,
  q.resolved_by_run
FROM
  ops.quarantine q
WHERE
  q.run_id = $1
  AND (
    $2::text IS NULL
    OR q.reason_code = $2
  )
  AND (
    $3::text IS NULL
    OR q.source_file = $3
  )
  AND (
    $4::text IS NULL
    OR q.stage = $4
  )
  AND (
    $5::text IS NULL
    OR q.entity = $5
  )
  AND (
    $6::boolean IS NULL
    OR (q.resolved_at IS NOT NULL) = $6
  )
  AND q.quarantine_id > coalesce($7::bigint, 0)
ORDER BY
  q.quarantine_id
LIMIT
  $8
OFFSET
  $9
