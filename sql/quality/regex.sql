-- regex: rows where a listed column (trimmed) does not match the PostgreSQL regular expression $2.
-- Every row of the run is checked; a blank value is completeness's concern, not a violation here.
-- Template: {{table}} staging table, {{key}} its key, {{columns}} the checked columns. $1 run id.
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
          AND btrim(v.value) !~ $2
      ) AS violated
    FROM
      {{table}}
    WHERE
      {{run_filter}}
  )
  -- Rows checked, violations, sample ids (check_result.sql).
  {{check_result}}
