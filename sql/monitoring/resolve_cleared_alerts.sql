-- Resolves the open alerts of the checks that were evaluated ($1) whose condition no longer holds
-- (key not among $2). A check that could not be evaluated keeps its alerts open.
UPDATE ops.alerts
SET
  status = 'resolved',
  resolved_at = now()
WHERE
  status = 'open'
  AND check_name = ANY ($1::text[])
  AND NOT (alert_key = ANY ($2::text[]))
RETURNING
  alert_id
