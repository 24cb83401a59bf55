-- The run's quality verdict. $1 run id.
-- staging_*: the validator's score of its staging checks. score / grade: the whole run's, the
-- lower of that and 100 x (1 - the worst entity's reject rate over every stage), once the
-- transform measured the rates (least() skips the NULL before). passed: the validator passed and
-- no entity is over its reject limit.
WITH
  rates AS (
    SELECT
      max(reject_rate) AS worst_rate,
      bool_and(passed) AS rejects_passed
    FROM
      ops.reject_rates
    WHERE
      run_id = $1
  ),
  scored AS (
    SELECT
      s.score AS staging_score,
      s.grade AS staging_grade,
      s.threshold,
      s.passed AS staging_passed,
      least(s.score, round(100 * (1 - r.worst_rate), 2)) AS score,
      coalesce(r.rejects_passed, true) AS rejects_passed
    FROM
      ops.quality_scores s
      CROSS JOIN rates r
    WHERE
      s.run_id = $1
  )
SELECT
  score,
  CASE
    WHEN score >= 90 THEN 'A'
    WHEN score >= 80 THEN 'B'
    WHEN score >= 70 THEN 'C'
    WHEN score >= 60 THEN 'D'
    ELSE 'F'
  END AS grade,
  threshold,
  staging_passed
  AND rejects_passed AS passed,
  staging_score,
  staging_grade
FROM
  scored
