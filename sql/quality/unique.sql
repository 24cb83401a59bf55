-- unique: a value of the checked column held twice in one run (values trimmed; $2 true compares them
-- case-insensitively). When the column is the entity's key ($3 true), each row after the first
-- holding a value is a violation. Otherwise the value belongs to the record with the smallest key
-- and every row of another record holding it is a violation: a record repeated with its own value
-- is the key's uniqueness concern, not this column's. Blank values and keys are completeness's.
-- Cost: every value is grouped by its 4-byte hash first (2.6M order-line keys fit in memory as
-- hashes, not as text: the text grouping spilled to disk, ~10 s at 1M orders); only values whose
-- hash repeats are compared as text, and only their rows are ordered to tell which is first.
-- keyed is NOT MATERIALIZED: a scan of the table per use is cheaper than storing 2.6M rows.
-- Template: {{table}} the run's staged rows (typed table or staging; run_filter picks the run's),
-- trimmed_key and trimmed_column the key and the checked column trimmed (a typed table holds them
-- trimmed already, blank as NULL). $1 run id.
WITH keyed AS NOT MATERIALIZED (
  SELECT {{trimmed_key}} AS record_id,
         CASE WHEN $2::boolean THEN lower({{trimmed_column}}) ELSE {{trimmed_column}} END AS value,
         source_file, source_line
    FROM {{table}}
   WHERE {{run_filter}} AND {{trimmed_column}} <> '' AND {{trimmed_key}} <> ''
), colliding AS MATERIALIZED (
  -- Computed once (a few hundred hashes), not once per parallel worker of the statement using it.
  SELECT hashtext(value) AS hash FROM keyed GROUP BY 1 HAVING count(*) > 1
), repeated AS MATERIALIZED (
  SELECT value FROM keyed WHERE hashtext(value) IN (SELECT hash FROM colliding) GROUP BY value HAVING count(*) > 1
), checked AS (
  SELECT k.record_id,
         CASE WHEN $3::boolean
              THEN row_number() OVER (PARTITION BY k.value ORDER BY k.source_file, k.source_line) > 1
              ELSE k.record_id <> min(k.record_id) OVER (PARTITION BY k.value) END AS violated
    FROM keyed k
   WHERE hashtext(k.value) IN (SELECT hash FROM colliding) AND k.value IN (SELECT value FROM repeated)
)
SELECT (SELECT count(*) FROM keyed) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
