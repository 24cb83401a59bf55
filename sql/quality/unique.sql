-- unique: a value of {{column}} held twice in one run (values trimmed; $2 true compares them
-- case-insensitively). When the column is the entity's key ($3 true), each row after the first
-- holding a value is a violation. Otherwise the value belongs to the record with the smallest key
-- and every row of another record holding it is a violation: a record repeated with its own value
-- is the key's uniqueness concern, not this column's. Blank values and keys are completeness's.
-- Counted by one hash aggregate per value; only the rows of repeated values (few) are ordered to
-- tell which is first, instead of a window sort of every row.
-- Template: {{table}} the run's staged rows (typed table or staging; run_filter picks the run's),
-- {{key}} its key, {{column}} the checked column. $1 run id.
WITH keyed AS MATERIALIZED (
  SELECT btrim({{key}}) AS record_id,
         CASE WHEN $2::boolean THEN lower(btrim({{column}})) ELSE btrim({{column}}) END AS value,
         source_file, source_line
    FROM {{table}}
   WHERE {{run_filter}} AND coalesce(btrim({{column}}), '') <> '' AND coalesce(btrim({{key}}), '') <> ''
), repeated AS (
  SELECT value FROM keyed GROUP BY value HAVING count(*) > 1
), checked AS (
  SELECT k.record_id,
         CASE WHEN $3::boolean
              THEN row_number() OVER (PARTITION BY k.value ORDER BY k.source_file, k.source_line) > 1
              ELSE k.record_id <> min(k.record_id) OVER (PARTITION BY k.value) END AS violated
    FROM keyed k
    JOIN repeated r ON r.value = k.value
)
SELECT (SELECT count(*) FROM keyed) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
