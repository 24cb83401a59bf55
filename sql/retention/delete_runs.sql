-- Deletes the listed finished runs; their stages, tasks, file accounting, quarantine, quality,
-- profile, analysis results and warehouse load record go with them (ON DELETE CASCADE).
-- A run that started again in between is not finished any more and stays.
DELETE FROM ops.runs
WHERE
  run_id = ANY ($1::text[])
  AND status IN ('succeeded', 'failed')
RETURNING
  run_id
