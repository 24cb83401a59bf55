-- One delivery with its alert, for the delivery job.
SELECT
  d.status AS delivery_status,
  d.attempts,
  a.alert_id,
  a.alert_key,
  a.check_name,
  a.severity,
  a.status,
  a.summary,
  a.detail,
  a.opened_at,
  a.last_seen_at,
  a.resolved_at
FROM
  ops.alert_deliveries d
  JOIN ops.alerts a USING (alert_id)
WHERE
  d.alert_id = $1
  AND d.event = $2
  AND d.channel = $3
