-- relationships: rows whose reference points at a parent that exists nowhere. The parent may
-- arrive in this run ({{parent_table}}) or already be in production ({{parent_production_table}});
-- ids are compared trimmed. A blank reference is completeness's.
-- The run's parent keys are looked up in one hash built once (a hashed IN), not by joining every
-- row; production is probed, by its key, only for references the run does not hold.
-- Template: {{table}} the run's staged rows (typed table or staging; run_filter picks the run's),
-- trimmed_key, trimmed_reference and trimmed_parent the child's key, its reference and the
-- parent's key trimmed (a typed table holds them trimmed, blank as NULL), {{parent_column}} the
-- parent's key (the loader allows no other column). $1 run id.
WITH
  checked AS (
    SELECT
      coalesce(nullif({{trimmed_key}}, ''), c.source_file || ':' || c.source_line) AS record_id,
      -- AND stops at a parent staged in the run: production is probed only for the others.
      NOT (
        {{trimmed_reference}} IN (
          SELECT
            {{trimmed_parent}}
          FROM
            {{parent_table}}
          WHERE
            {{run_filter}}
            AND {{trimmed_parent}} IS NOT NULL
        )
      )
      AND CASE
      -- Production much larger than the run's rows (a delta: 2k orders, 100k customers): one probe
      -- of the parent's key per reference the run lacks, OFFSET 0 keeping the planner from
      -- hashing all of production, which it prefers when it costs each probe as a random read
      -- (orders -> customers in a delta: 125 -> 20 ms). Else (products, a first load, a
      -- re-delivery) the planner's choice, a hash of production as a rule. Statistics of both
      -- tables (the typed ones are analyzed when built; never analyzed, -1: the planner's
      -- choice), read once: a one-time condition.
        WHEN (
          SELECT
            child.reltuples >= 0
            AND 4 * child.reltuples < parent.reltuples
          FROM
            pg_class child,
            pg_class parent
          WHERE
            child.oid = '{{table}}'::regclass
            AND parent.oid = '{{parent_production_table}}'::regclass
        ) THEN NOT EXISTS (
          SELECT
            1
          FROM
            {{parent_production_table}} p
          WHERE
            p.{{parent_column}} = {{trimmed_reference}}
          OFFSET
            0
        )
        ELSE NOT EXISTS (
          SELECT
            1
          FROM
            {{parent_production_table}} p
          WHERE
            p.{{parent_column}} = {{trimmed_reference}}
        )
      END AS violated
    FROM
      {{table}} c
    WHERE
      {{run_filter}}
      AND {{trimmed_reference}} <> ''
      -- OFFSET 0 keeps checked a plan node of its own: inlined, the verdict was computed once per
      -- aggregate reading it (two hashes of the run's parent keys, two probes per row).
    OFFSET
      0
  )
SELECT
  count(*) AS rows_checked,
  count(*) FILTER (
    WHERE
      violated
  ) AS violations,
  -- In the same pass: a second read of checked would store all its rows first.
  coalesce(
    (
      array_agg(
        DISTINCT record_id
        ORDER BY
          record_id
      ) FILTER (
        WHERE
          violated
      )
    ) [1:10],
    '{}'
  ) AS sample_ids
FROM
  checked;
