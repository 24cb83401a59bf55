-- Which of these runs have failed: their failed jobs are already reported by the failed-run check.
SELECT
  run_id
FROM
  ops.runs
WHERE
  run_id = ANY ($1::text[])
  AND status = 'failed'
