-- Stores the run's score, replacing an earlier one of the same run.
INSERT INTO
  ops.quality_scores (run_id, score, grade, threshold, passed)
VALUES
  ($1, $2, $3, $4, $5)
ON CONFLICT (run_id) DO UPDATE
SET
  score = excluded.score,
  grade = excluded.grade,
  threshold = excluded.threshold,
  passed = excluded.passed,
  created_at = now();
