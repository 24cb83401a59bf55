-- A run's quarantined records, how many a replay has resolved since, and (for a replay run) how
-- many rejects of the replayed run this run resolved. $1 run id.
SELECT
  count(*) FILTER (
    WHERE
      q.run_id = $1
  ) AS total,
  count(*) FILTER (
    WHERE
      q.run_id = $1
      AND q.resolved_at IS NOT NULL
  ) AS resolved,
  count(*) FILTER (
    WHERE
      q.resolved_by_run = $1
  ) AS resolved_by_this_run
FROM
  ops.quarantine q
WHERE
  q.run_id = $1
  OR q.resolved_by_run = $1
