-- The quality score of the newest run that has one.
SELECT q.run_id, q.score::float8 AS score, q.grade, q.threshold::float8 AS threshold, q.passed
  FROM ops.quality_scores q
  JOIN ops.runs r USING (run_id)
 ORDER BY r.created_at DESC, r.run_id DESC
 LIMIT 1
