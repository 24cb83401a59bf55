-- For each analysis with a stored result, the newest run holding one.
SELECT DISTINCT
  ON (a.analysis) a.analysis,
  a.run_id
FROM
  ops.analysis_results a
  JOIN ops.runs r ON r.run_id = a.run_id
ORDER BY
  a.analysis,
  r.created_at DESC,
  a.run_id DESC
