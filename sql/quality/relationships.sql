-- relationships: rows whose reference in {{column}} points at a parent that exists nowhere. The
-- parent may arrive in this run ({{parent_table}}) or already be in production
-- ({{parent_production_table}}); ids are compared trimmed. A blank reference is completeness's.
-- Template: {{table}} staging table, {{key}} its key, {{column}} the reference, {{parent_column}}
-- the parent's key (the loader allows no other column). $1 run id.
WITH staged_parents AS (
  SELECT DISTINCT btrim({{parent_column}}) AS id FROM {{parent_table}} WHERE {{run_filter}}
), checked AS (
  SELECT coalesce(nullif(btrim(c.{{key}}), ''), c.source_file || ':' || c.source_line) AS record_id,
         -- AND stops at a parent staged in the run: production is probed only for the others.
         s.id IS NULL
           AND NOT EXISTS (SELECT 1 FROM {{parent_production_table}} p WHERE p.{{parent_column}} = btrim(c.{{column}})) AS violated
    FROM {{table}} c
    LEFT JOIN staged_parents s ON s.id = btrim(c.{{column}})
   WHERE {{run_filter}} AND coalesce(btrim(c.{{column}}), '') <> ''
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE violated) AS violations,
       coalesce((SELECT array_agg(record_id ORDER BY record_id)
                   FROM (SELECT DISTINCT record_id FROM checked WHERE violated ORDER BY record_id LIMIT 10) s),
                '{}') AS sample_ids
  FROM checked;
