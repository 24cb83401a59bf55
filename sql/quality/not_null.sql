-- not_null: rows of the run where any of the listed columns is missing. Staging holds raw text,
-- so a blank or whitespace-only value is as missing as NULL.
-- Template (filled by libs/pipeline quality-gate.ts with escaped identifiers that
-- config/quality-checks.yaml named and the contract allows): {{table}} the staging table,
-- {{key}} its key column, {{columns}} the checked columns. $1 run id.
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
          coalesce(btrim(v.value), '') = ''
      ) AS violated
    FROM
      {{table}}
    WHERE
      {{run_filter}}
  )
  -- Rows checked, violations, sample ids (check_result.sql).
  {{check_result}}
