-- Runs queued or running whose ledger has not moved for $1 minutes: they block every new run.
-- Activity is the latest of the run's and its stages' and tasks' start and finish times.
SELECT
  r.run_id,
  r.status,
  r.mode,
  a.last_activity,
  extract(
    epoch
    FROM
      now() - a.last_activity
  )::float8 / 60 AS idle_minutes
FROM
  ops.runs r
  CROSS JOIN LATERAL (
    SELECT
      greatest(r.created_at, r.started_at, max(s.started_at), max(s.finished_at), max(t.finished_at)) AS last_activity
    FROM
      ops.run_stages s
      LEFT JOIN ops.stage_tasks t ON t.run_id = s.run_id
      AND t.stage = s.stage
    WHERE
      s.run_id = r.run_id
  ) a
WHERE
  r.status IN ('queued', 'running')
  AND a.last_activity < now() - $1::float8 * interval '1 minute'
ORDER BY
  r.created_at
