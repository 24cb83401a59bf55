-- One page of a run's quarantined records in id order, filtered (ops.run_rejects, migration 0043,
-- which rejects_count_of_run.sql counts). $1 run id; filters, NULL = any: $2 reason_code,
-- $3 source_file, $4 stage, $5 entity, $6 resolved (true / false); $7 keyset cursor: only ids
-- above it (NULL = from the start); $8 limit; $9 offset.
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
  ops.run_rejects ($1, $2, $3, $4, $5, $6) q
WHERE
  q.quarantine_id > coalesce($7::bigint, 0)
ORDER BY
  q.quarantine_id
LIMIT
  $8
OFFSET
  $9
