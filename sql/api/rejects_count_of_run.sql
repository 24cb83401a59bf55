-- How many of a run's quarantined records match the filters of sql/api/rejects_of_run.sql.
-- $1 run id; $2 reason_code, $3 source_file, $4 stage, $5 entity, $6 resolved; NULL = any.
SELECT
  count(*) AS total
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
