-- range, one column of one row (a condition, spliced into sql/quality/row_checks.sql): a non-blank
-- value that does not parse as the type or lies outside the bounds. {{trimmed}} the column trimmed,
-- {{parsed}} its ops.safe_* cast; {{value_type}} the bounds' SQL type from quality-gate.ts's fixed
-- table; {{min}}, {{max}} (NULL for none) and {{inclusive}} bind parameters. As sql/quality/range.sql.
{{trimmed}} <> ''
AND (
  {{parsed}} IS NOT NULL
  AND (
    {{min}}::{{value_type}} IS NULL
    OR CASE
      WHEN {{inclusive}}::boolean THEN {{parsed}} >= {{min}}::{{value_type}}
      ELSE {{parsed}} > {{min}}::{{value_type}}
    END
  )
  AND (
    {{max}}::{{value_type}} IS NULL
    OR CASE
      WHEN {{inclusive}}::boolean THEN {{parsed}} <= {{max}}::{{value_type}}
      ELSE {{parsed}} < {{max}}::{{value_type}}
    END
  )
) IS NOT TRUE
