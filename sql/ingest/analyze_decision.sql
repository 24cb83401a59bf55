-- Whether this file part should analyse its entity's staging table before it commits.
-- $1 run_id, $2 task_key, $3 entity, $4 rows this part landed.
-- open: parts of the same entity, other than this one, not committed yet; the last part (after
-- lock_stage_end.sql, parts take turns) sees none.
-- landed: the run's rows of the entity, this part's included; reltuples: what the table's
-- statistics last counted (-1 when never analysed). A run that adds a tenth of the table or more
-- changes its statistics the way autovacuum's own threshold (autovacuum_analyze_scale_factor)
-- means; a small delta does not, and its rows, estimated few, are few: so a delta skips the
-- ANALYZE, whose sample costs the same however few rows came in.
SELECT
  count(*) FILTER (
    WHERE
      t.status <> 'succeeded'
  )::int AS open,
  (
    coalesce(
      sum(t.rows_out) FILTER (
        WHERE
          t.status = 'succeeded'
      ),
      0
    ) + $4
  )::float8 AS landed,
  (
    SELECT
      c.reltuples
    FROM
      pg_class c
    WHERE
      c.oid = to_regclass('staging.' || $3)
  )::float8 AS reltuples
FROM
  ops.stage_tasks t
WHERE
  t.run_id = $1
  AND t.stage = 'ingest'
  AND t.task_key <> $2
  AND t.payload ->> 'entity' = $3
