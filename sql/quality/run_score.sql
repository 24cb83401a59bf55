-- The run's score from its check results ($1, a JSON array), judged against the threshold ($2):
-- 100 x weighted mean of each check's passing share; a check that saw no rows counts as passed.
-- Also names the failed checks and the three that cost the most score, for the stage report.
WITH checks AS (
  SELECT c.check_name, c.weight, c.rows_checked, c.violations,
         CASE WHEN c.rows_checked = 0 THEN 0
              ELSE least(1, c.violations::numeric / c.rows_checked) END AS failing_share
    FROM jsonb_to_recordset($1::jsonb) AS c(check_name text, weight numeric, rows_checked bigint, violations bigint)
), scored AS (
  SELECT coalesce(round(100 * sum(weight * (1 - failing_share)) / nullif(sum(weight), 0), 2), 100.00) AS score
    FROM checks
)
SELECT s.score,
       CASE WHEN s.score >= 90 THEN 'A' WHEN s.score >= 80 THEN 'B' WHEN s.score >= 70 THEN 'C'
            WHEN s.score >= 60 THEN 'D' ELSE 'F' END AS grade,
       $2::numeric(5,2) AS threshold,
       s.score >= $2::numeric AS passed,
       coalesce((SELECT array_agg(check_name ORDER BY check_name) FROM checks WHERE violations > 0), '{}') AS failed_checks,
       coalesce((SELECT array_agg(format('%s %s/%s', check_name, violations, rows_checked) ORDER BY loss DESC, check_name)
                   FROM (SELECT check_name, violations, rows_checked, weight * failing_share AS loss
                           FROM checks WHERE violations > 0 ORDER BY loss DESC, check_name LIMIT 3) w), '{}') AS worst_checks
  FROM scored s;
