-- Plan settings for the rest of the transaction: $1 the names, $2 their values, where a NULL value
-- puts the session's own setting back (pg_settings.reset_val). A stage sets them around the one
-- statement they are measured for (withPlanSettings in libs/db), so the statements after it plan
-- as before.
SELECT
  set_config(s.name, coalesce(s.value, p.reset_val), true) AS value
FROM
  unnest($1::text[], $2::text[]) AS s (name, value)
  JOIN pg_settings p ON p.name = s.name
