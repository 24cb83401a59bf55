-- The dashboard's badge: the newest run that succeeded.
SELECT run_id, mode, finished_at
  FROM ops.runs
 WHERE status = 'succeeded' AND finished_at IS NOT NULL
 ORDER BY finished_at DESC, run_id DESC
 LIMIT 1
