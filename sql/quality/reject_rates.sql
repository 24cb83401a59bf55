-- The run's reject rate per entity: the rejects of every stage (ops.quarantine: ingest and
-- transform) against the records the run read (the lines the ingest quarantined + the rows it
-- staged, which is lines_read of ops.file_accounting when the run was ingested), with the three
-- most frequent reasons and the verdict against the limit. Run inside the transform's
-- transaction, so its own rejects count before they commit.
-- $1 run id, $2 limits in percent as JSON ({"transactions": 5, "customers": null, ...}; missing or
-- null: no limit), $3 the rows the transform took in per entity as JSON ({"customers": 120, ...}).
WITH
  entities (entity, position) AS (
    VALUES
      ('customers', 1),
      ('products', 2),
      ('transactions', 3),
      ('transaction_items', 4)
  ),
  reasons AS (
    SELECT
      entity,
      reason_code,
      count(*) FILTER (
        WHERE
          stage = 'ingest'
      ) AS ingest,
      count(*) FILTER (
        WHERE
          stage <> 'ingest'
      ) AS later,
      count(*) AS n
    FROM
      ops.quarantine
    WHERE
      run_id = $1
    GROUP BY
      entity,
      reason_code
  ),
  per_entity AS (
    SELECT
      e.entity,
      e.position,
      coalesce(($3::jsonb ->> e.entity)::bigint, 0) + coalesce(sum(q.ingest), 0)::bigint AS records,
      coalesce(sum(q.ingest), 0)::bigint AS ingest_rejects,
      coalesce(sum(q.later), 0)::bigint AS transform_rejects,
      coalesce(
        (
          SELECT
            jsonb_agg(
              jsonb_build_object('reason', t.reason_code, 'count', t.n)
              ORDER BY
                t.n DESC,
                t.reason_code
            )
          FROM
            (
              SELECT
                reason_code,
                n
              FROM
                reasons x
              WHERE
                x.entity = e.entity
              ORDER BY
                n DESC,
                reason_code
              LIMIT
                3
            ) t
        ),
        '[]'::jsonb
      ) AS top_reasons
    FROM
      entities e
      LEFT JOIN reasons q ON q.entity = e.entity
    GROUP BY
      e.entity,
      e.position
  )
SELECT
  p.entity,
  p.records,
  p.ingest_rejects,
  p.transform_rejects,
  CASE
    WHEN p.records = 0 THEN 0
    ELSE least(1, round((p.ingest_rejects + p.transform_rejects)::numeric / p.records, 6))
  END AS reject_rate,
  l.max_reject_pct,
  l.max_reject_pct IS NULL
  OR 100 * (p.ingest_rejects + p.transform_rejects) <= l.max_reject_pct * p.records AS passed,
  p.top_reasons
FROM
  per_entity p
  CROSS JOIN LATERAL (
    SELECT
      ($2::jsonb ->> p.entity)::numeric AS max_reject_pct
  ) l
ORDER BY
  p.position
