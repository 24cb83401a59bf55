-- The run's staged customers ($1), each value trimmed with blanks read as NULL, and parsed once:
-- <column>__date is ops.safe_date of the column (NULL where it does not parse). line_ctid points
-- back at the staging line (its raw text, for quarantine and exact-copy detection); record_id is how
-- quality checks name a row (its key, else file:line). Template: {{table}} the typed table.
--
-- country, state and age_group are categorical (config/categorical-values.yaml, synced into
-- ops.categorical_*): looked up by ops.fold_key, each carries its canonical spelling, or the
-- field's default, or (unknown) the trimmed text as given. unknown_field / unknown_text /
-- unknown_reason name the first unknown one the transform rejects the line for (NULL: none);
-- learn_customers.sql has already made the values of `keep` fields known. phone_region is the
-- country's ISO region ('' when it has none), the default region of its phone's E.164 form.
-- Each lookup is a LATERAL ... LIMIT 1 so that it stays a parameterised scan the planner can put
-- under a Memoize node keyed by the raw value: a run has a handful of distinct spellings, so the
-- fold (a regexp_replace) and the index probe run once per spelling, not once per row. As a plain
-- hash join the fold ran for every row: ~+30% on the 1M-order transactions build.
CREATE UNLOGGED TABLE {{table}} AS
SELECT
  s.ctid AS line_ctid,
  s.source_file,
  s.source_line,
  coalesce(nullif(btrim(s.customer_id), ''), s.source_file || ':' || s.source_line) AS record_id,
  nullif(btrim(s.customer_id), '') AS customer_id,
  nullif(btrim(s.first_name), '') AS first_name,
  nullif(btrim(s.last_name), '') AS last_name,
  nullif(btrim(s.email), '') AS email,
  nullif(btrim(s.phone), '') AS phone,
  nullif(btrim(s.registration_date), '') AS registration_date,
  nullif(btrim(s.city), '') AS city,
  CASE
    WHEN c.state IS NOT NULL THEN coalesce(state.value, f.state_default, c.state)
  END AS state,
  CASE
    WHEN c.country IS NOT NULL THEN coalesce(country.value, f.country_default, c.country)
  END AS country,
  CASE
    WHEN c.age_group IS NOT NULL THEN coalesce(age_group.value, f.age_group_default, c.age_group)
  END AS age_group,
  ops.safe_date (s.registration_date) AS registration_date__date,
  coalesce(country.region, '') AS phone_region,
  CASE
    WHEN c.country IS NOT NULL
    AND country.value IS NULL
    AND f.country_default IS NULL THEN 'country'
    WHEN c.state IS NOT NULL
    AND state.value IS NULL
    AND f.state_default IS NULL THEN 'state'
    WHEN c.age_group IS NOT NULL
    AND age_group.value IS NULL
    AND f.age_group_default IS NULL THEN 'age_group'
  END AS unknown_field,
  CASE
    WHEN c.country IS NOT NULL
    AND country.value IS NULL
    AND f.country_default IS NULL THEN c.country
    WHEN c.state IS NOT NULL
    AND state.value IS NULL
    AND f.state_default IS NULL THEN c.state
    WHEN c.age_group IS NOT NULL
    AND age_group.value IS NULL
    AND f.age_group_default IS NULL THEN c.age_group
  END AS unknown_text,
  CASE
    WHEN c.country IS NOT NULL
    AND country.value IS NULL
    AND f.country_default IS NULL THEN f.country_reason
    WHEN c.state IS NOT NULL
    AND state.value IS NULL
    AND f.state_default IS NULL THEN f.state_reason
    WHEN c.age_group IS NOT NULL
    AND age_group.value IS NULL
    AND f.age_group_default IS NULL THEN f.age_group_reason
  END AS unknown_reason
FROM
  staging.customers s
  CROSS JOIN LATERAL (
    SELECT
      nullif(btrim(s.country), '') AS country,
      nullif(btrim(s.state), '') AS state,
      nullif(btrim(s.age_group), '') AS age_group
    OFFSET
      0
  ) c
  CROSS JOIN (
    SELECT
      max(default_value) FILTER (
        WHERE
          field = 'country'
      ) AS country_default,
      max(reason_code) FILTER (
        WHERE
          field = 'country'
      ) AS country_reason,
      max(default_value) FILTER (
        WHERE
          field = 'state'
      ) AS state_default,
      max(reason_code) FILTER (
        WHERE
          field = 'state'
      ) AS state_reason,
      max(default_value) FILTER (
        WHERE
          field = 'age_group'
      ) AS age_group_default,
      max(reason_code) FILTER (
        WHERE
          field = 'age_group'
      ) AS age_group_reason
    FROM
      ops.categorical_fields
  ) f
  LEFT JOIN LATERAL (
    SELECT
      v.value,
      v.region
    FROM
      ops.categorical_values v
    WHERE
      v.field = 'country'
      AND v.key = ops.fold_key (c.country)
    LIMIT
      1
  ) country ON true
  LEFT JOIN LATERAL (
    SELECT
      v.value
    FROM
      ops.categorical_values v
    WHERE
      v.field = 'state'
      AND v.key = ops.fold_key (c.state)
    LIMIT
      1
  ) state ON true
  LEFT JOIN LATERAL (
    SELECT
      v.value
    FROM
      ops.categorical_values v
    WHERE
      v.field = 'age_group'
      AND v.key = ops.fold_key (c.age_group)
    LIMIT
      1
  ) age_group ON true
WHERE
  s.run_id = $1
