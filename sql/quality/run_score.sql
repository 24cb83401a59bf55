-- The verdict on one stage's check results ($1, a JSON array) against the score threshold ($2):
-- score = 100 x weighted mean of each check's passing share; a check that saw no rows counts as
-- passed. An error-severity check fails when its violations exceed its allowed count
-- (threshold_count, or threshold_rate x rows_checked); warnings never fail. `passed` needs both:
-- the score at or above the threshold and no failing error check.
-- Also names the checks with violations, the three that cost the most score, and the failing
-- error checks, for the stage report and the failure message.
WITH
  checks AS (
    SELECT
      c.check_name,
      c.weight,
      c.rows_checked,
      c.violations,
      c.severity,
      c.threshold,
      CASE
        WHEN c.rows_checked = 0 THEN 0
        ELSE least(1, c.violations / c.rows_checked)
      END AS failing_share,
      c.severity = 'error'
      AND c.violations > coalesce(c.threshold_count, c.threshold_rate * c.rows_checked) AS over_threshold
    FROM
      jsonb_to_recordset($1::jsonb) AS c (
        check_name text,
        weight numeric,
        rows_checked numeric,
        violations numeric,
        severity text,
        threshold text,
        threshold_count numeric,
        threshold_rate numeric
      )
  ),
  scored AS (
    SELECT
      coalesce(round(100 * sum(weight * (1 - failing_share)) / nullif(sum(weight), 0), 2), 100.00) AS score
    FROM
      checks
  ),
  failing AS (
    SELECT
      coalesce(
        array_agg(
          format('%s %s/%s (threshold %s)', check_name, violations, rows_checked, threshold)
          ORDER BY
            check_name
        ),
        '{}'
      ) AS error_checks
    FROM
      checks
    WHERE
      over_threshold
  )
SELECT
  s.score,
  CASE
    WHEN s.score >= 90 THEN 'A'
    WHEN s.score >= 80 THEN 'B'
    WHEN s.score >= 70 THEN 'C'
    WHEN s.score >= 60 THEN 'D'
    ELSE 'F'
  END AS grade,
  $2::numeric(5, 2) AS threshold,
  s.score >= $2::numeric AS score_passed,
  s.score >= $2::numeric
  AND cardinality(f.error_checks) = 0 AS passed,
  f.error_checks,
  coalesce(
    (
      SELECT
        array_agg(
          check_name
          ORDER BY
            check_name
        )
      FROM
        checks
      WHERE
        violations > 0
    ),
    '{}'
  ) AS failed_checks,
  coalesce(
    (
      SELECT
        array_agg(
          format('%s %s/%s', check_name, violations, rows_checked)
          ORDER BY
            loss DESC,
            check_name
        )
      FROM
        (
          SELECT
            check_name,
            violations,
            rows_checked,
            weight * failing_share AS loss
          FROM
            checks
          WHERE
            violations > 0
            AND weight * failing_share > 0
          ORDER BY
            loss DESC,
            check_name
          LIMIT
            3
        ) w
    ),
    '{}'
  ) AS worst_checks
FROM
  scored s
  CROSS JOIN failing f;
