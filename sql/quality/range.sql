-- range: rows where a listed column does not parse as the check's type, or lies outside
-- [$2, $3] (both optional; $4 false makes the bounds exclusive). A date bound may be 'today'.
-- Every row of the run is checked; a blank value is completeness's concern, not a violation here.
-- Template: {{table}} staging table, {{key}} its key, {{columns}} the checked columns;
-- {{parse}} the ops.safe_* cast and {{value_type}} the SQL type, both from a fixed table in
-- quality-gate.ts, never from the YAML. $1 run id.
WITH
  checked AS (
    SELECT
      coalesce(nullif(btrim({{key}}), ''), source_file || ':' || source_line) AS record_id,
      EXISTS (
        SELECT
          1
        FROM
          unnest(ARRAY[{{columns}}]::text[]) AS v (value)
          CROSS JOIN LATERAL (
            SELECT
              {{parse}} (v.value) AS parsed
          ) p
        WHERE
          btrim(v.value) <> ''
          AND (
            p.parsed IS NOT NULL
            AND (
              $2::{{value_type}} IS NULL
              OR CASE
                WHEN $4::boolean THEN p.parsed >= $2::{{value_type}}
                ELSE p.parsed > $2::{{value_type}}
              END
            )
            AND (
              $3::{{value_type}} IS NULL
              OR CASE
                WHEN $4::boolean THEN p.parsed <= $3::{{value_type}}
                ELSE p.parsed < $3::{{value_type}}
              END
            )
          ) IS NOT TRUE
      ) AS violated
    FROM
      {{table}}
    WHERE
      {{run_filter}}
  )
  -- Rows checked, violations, sample ids (check_result.sql).
  {{check_result}}
