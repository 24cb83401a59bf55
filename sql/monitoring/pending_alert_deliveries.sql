-- Deliveries not yet sent nor given up: (re-)enqueued after each evaluation, job ids dedupe them.
SELECT
  alert_id,
  event,
  channel
FROM
  ops.alert_deliveries
WHERE
  status = 'pending'
ORDER BY
  created_at,
  alert_id
LIMIT
  500
