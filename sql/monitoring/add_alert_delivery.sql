-- One delivery per alert event and channel; the same event twice is one delivery.
INSERT INTO
  ops.alert_deliveries (alert_id, event, channel)
VALUES
  ($1, $2, $3)
ON CONFLICT (alert_id, event, channel) DO NOTHING
