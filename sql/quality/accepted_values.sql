-- accepted_values: rows where a listed column holds a value (trimmed, case-sensitive) not in $2.
-- Every row of the run is checked; a blank value is completeness's concern, not a violation here.
-- Template: {{table}} staging table, {{key}} its key, {{columns}} the checked columns. $1 run id,
-- $2 the accepted values (text[]).
WITH
  checked AS (
    SELECT
      coalesce(nullif(btrim({{key}}), ''), source_file || ':' || source_line) AS record_id,
      EXISTS (
        SELECT
          1
        FROM
          unnest(ARRAY[{{columns}}]::text[]) AS v (value)
        WHERE
          btrim(v.value) <> ''
          AND btrim(v.value) <> ALL ($2::text[])
      ) AS violated
    FROM
      {{table}}
    WHERE
      {{run_filter}}
  )
  -- Rows checked, violations, sample ids (check_result.sql).
  {{check_result}}
