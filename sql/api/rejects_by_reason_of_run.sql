-- Quarantined records counted by stage and reason, stages in pipeline order. $1 run id.
SELECT
  q.stage,
  q.reason_code,
  count(*) AS count
FROM
  ops.quarantine q
  LEFT JOIN ops.run_stages s ON s.run_id = q.run_id
  AND s.stage = q.stage
WHERE
  q.run_id = $1
GROUP BY
  q.stage,
  q.reason_code,
  s.seq
ORDER BY
  s.seq NULLS LAST,
  q.stage,
  q.reason_code
