-- The quality score of the newest run that has one: the whole run's, as GET /runs/:id/quality
-- reports it (sql/api/quality_score_of_run.sql): the lower of the staging checks' score and
-- 100 x (1 - the worst entity's reject rate), once the transform measured the rates.
WITH
  latest AS (
    SELECT
      q.run_id,
      q.score,
      q.threshold,
      q.passed
    FROM
      ops.quality_scores q
      JOIN ops.runs r USING (run_id)
    ORDER BY
      r.created_at DESC,
      r.run_id DESC
    LIMIT
      1
  ),
  scored AS (
    SELECT
      l.run_id,
      l.threshold,
      l.passed,
      least(
        l.score,
        (
          SELECT
            round(100 * (1 - max(x.reject_rate)), 2)
          FROM
            ops.reject_rates x
          WHERE
            x.run_id = l.run_id
        )
      ) AS score
    FROM
      latest l
  )
SELECT
  run_id,
  score::float8 AS score,
  CASE
    WHEN score >= 90 THEN 'A'
    WHEN score >= 80 THEN 'B'
    WHEN score >= 70 THEN 'C'
    WHEN score >= 60 THEN 'D'
    ELSE 'F'
  END AS grade,
  threshold::float8 AS threshold,
  passed
FROM
  scored
