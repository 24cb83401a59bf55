-- An analysis from the newest succeeded run that stored it. $1 analysis name.
SELECT
  a.run_id,
  a.analysis,
  a.columns,
  a.rows
FROM
  ops.analysis_results a
  JOIN ops.runs r ON r.run_id = a.run_id
WHERE
  a.analysis = $1
  AND r.status = 'succeeded'
ORDER BY
  r.created_at DESC,
  a.run_id DESC
LIMIT
  1
