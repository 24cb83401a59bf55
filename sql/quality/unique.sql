-- unique: a value of {{column}} held twice in one run (values trimmed; $2 true compares them
-- case-insensitively). When the column is the entity's key ($3 true), each row after the first
-- holding a value is a violation. Otherwise the value belongs to the record with the smallest key
-- and every row of another record holding it is a violation: a record repeated with its own value
-- is the key's uniqueness concern, not this column's. Blank values and keys are completeness's.
-- Template: {{table}} staging table, {{key}} its key, {{column}} the checked column. $1 run id.
WITH keyed AS (
  SELECT btrim({{key}}) AS record_id,
         CASE WHEN $2::boolean THEN lower(btrim({{column}})) ELSE btrim({{column}}) END AS value,
         source_file, source_line
    FROM {{table}}
   WHERE run_id = $1 AND coalesce(btrim({{column}}), '') <> '' AND coalesce(btrim({{key}}), '') <> ''
), checked AS (
  SELECT record_id,
         CASE WHEN $3::boolean
              THEN row_number() OVER (PARTITION BY value ORDER BY source_file, source_line) > 1
              ELSE record_id <> min(record_id) OVER (PARTITION BY value) END AS violated
    FROM keyed
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
