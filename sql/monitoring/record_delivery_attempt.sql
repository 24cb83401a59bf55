-- One try of a delivery: 'sent', still 'pending' (will retry) or 'failed' (gave up), with the error.
UPDATE ops.alert_deliveries
SET
  attempts = attempts + 1,
  status = $4,
  last_error = $5,
  sent_at = CASE
    WHEN $4 = 'sent' THEN now()
  END
WHERE
  alert_id = $1
  AND event = $2
  AND channel = $3
