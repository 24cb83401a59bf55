-- Opens the alert of a condition, or notes that it still holds: one open alert per key.
-- `opened` is true only for a new row (xmax is 0 for an inserted tuple).
INSERT INTO
  ops.alerts (alert_key, check_name, severity, summary, detail)
VALUES
  ($1, $2, $3, $4, $5::jsonb)
ON CONFLICT (alert_key)
WHERE
  status = 'open' DO UPDATE
SET
  last_seen_at = now(),
  severity = EXCLUDED.severity,
  summary = EXCLUDED.summary,
  detail = EXCLUDED.detail
RETURNING
  alert_id,
  (xmax = 0) AS opened
