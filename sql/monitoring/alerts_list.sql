-- Alerts newest first, optionally only open or only resolved ($1 NULL for all), with their deliveries.
SELECT
  a.alert_id,
  a.alert_key,
  a.check_name,
  a.severity,
  a.status,
  a.summary,
  a.detail,
  a.opened_at,
  a.last_seen_at,
  a.resolved_at,
  coalesce(
    (
      SELECT
        jsonb_agg(
          jsonb_build_object(
            'event',
            d.event,
            'channel',
            d.channel,
            'status',
            d.status,
            'attempts',
            d.attempts,
            'lastError',
            d.last_error,
            'sentAt',
            d.sent_at
          )
          ORDER BY
            d.created_at,
            d.event,
            d.channel
        )
      FROM
        ops.alert_deliveries d
      WHERE
        d.alert_id = a.alert_id
    ),
    '[]'::jsonb
  ) AS deliveries
FROM
  ops.alerts a
WHERE
  $1::text IS NULL
  OR a.status = $1
ORDER BY
  a.opened_at DESC,
  a.alert_id DESC
LIMIT
  $2
