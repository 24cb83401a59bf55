-- A replay run ($2) marks the rejects of the run it replays ($1) resolved where it delivered a
-- production row of the same entity and key: after this run's upserts, in the same transaction.
-- Delivered: the row was written by this run (last_run_id = $2: inserted or changed), or the run
-- staged a line of that key and did not reject it, so the row was re-delivered unchanged (the
-- transform neither rewrites nor stamps an identical row; staged = loaded + quarantined, which
-- the run's row_count reconciliation has just proved). Either way its row locks keep other runs
-- off until commit. Rejects already resolved keep their first resolver, so replaying the same
-- folder again changes nothing. Ingest rejects (a line with too many fields, say) are matched like
-- transform rejects: the ingestor stores their entity, and their key wherever it could be read for
-- sure. Rejects without a key (a blank line, a record whose key is unsure) cannot be matched and
-- stay open. Returns how many were resolved.
WITH
  open AS MATERIALIZED (
    SELECT DISTINCT
      q.entity,
      btrim(q.record_key) AS record_key
    FROM
      ops.quarantine q
    WHERE
      q.run_id = $1
      AND q.resolved_at IS NULL
      AND q.record_key IS NOT NULL
  ),
  run_rejects AS MATERIALIZED (
    SELECT
      q.entity,
      q.source_file,
      q.source_line
    FROM
      ops.quarantine q
    WHERE
      q.run_id = $2
      AND q.stage = 'transform'
  ),
  accepted AS MATERIALIZED (
    -- The open rejects' keys among this run's staged lines that it did not reject: one scan of the
    -- run's staged lines per entity, hashed against the (few) open keys.
    SELECT
      'customers' AS entity,
      btrim(s.customer_id) AS record_key
    FROM
      staging.customers s
    WHERE
      s.run_id = $2
      AND btrim(s.customer_id) IN (
        SELECT
          o.record_key
        FROM
          open o
        WHERE
          o.entity = 'customers'
      )
      AND NOT EXISTS (
        SELECT
          1
        FROM
          run_rejects r
        WHERE
          r.entity = 'customers'
          AND r.source_file = s.source_file
          AND r.source_line = s.source_line
      )
    UNION
    SELECT
      'products',
      btrim(s.product_id)
    FROM
      staging.products s
    WHERE
      s.run_id = $2
      AND btrim(s.product_id) IN (
        SELECT
          o.record_key
        FROM
          open o
        WHERE
          o.entity = 'products'
      )
      AND NOT EXISTS (
        SELECT
          1
        FROM
          run_rejects r
        WHERE
          r.entity = 'products'
          AND r.source_file = s.source_file
          AND r.source_line = s.source_line
      )
    UNION
    SELECT
      'transactions',
      btrim(s.transaction_id)
    FROM
      staging.transactions s
    WHERE
      s.run_id = $2
      AND btrim(s.transaction_id) IN (
        SELECT
          o.record_key
        FROM
          open o
        WHERE
          o.entity = 'transactions'
      )
      AND NOT EXISTS (
        SELECT
          1
        FROM
          run_rejects r
        WHERE
          r.entity = 'transactions'
          AND r.source_file = s.source_file
          AND r.source_line = s.source_line
      )
    UNION
    SELECT
      'transaction_items',
      btrim(s.item_id)
    FROM
      staging.transaction_items s
    WHERE
      s.run_id = $2
      AND btrim(s.item_id) IN (
        SELECT
          o.record_key
        FROM
          open o
        WHERE
          o.entity = 'transaction_items'
      )
      AND NOT EXISTS (
        SELECT
          1
        FROM
          run_rejects r
        WHERE
          r.entity = 'transaction_items'
          AND r.source_file = s.source_file
          AND r.source_line = s.source_line
      )
  ),
  resolved AS (
    UPDATE ops.quarantine q
    SET
      resolved_at = clock_timestamp(),
      resolved_by_run = $2
    WHERE
      q.run_id = $1
      AND q.resolved_at IS NULL
      AND q.record_key IS NOT NULL
      AND CASE q.entity
        WHEN 'customers' THEN EXISTS (
          SELECT
            1
          FROM
            production.customers p
          WHERE
            p.customer_id = btrim(q.record_key)
            AND (
              p.last_run_id = $2
              OR (q.entity, p.customer_id) IN (
                SELECT
                  entity,
                  record_key
                FROM
                  accepted
              )
            )
        )
        WHEN 'products' THEN EXISTS (
          SELECT
            1
          FROM
            production.products p
          WHERE
            p.product_id = btrim(q.record_key)
            AND (
              p.last_run_id = $2
              OR (q.entity, p.product_id) IN (
                SELECT
                  entity,
                  record_key
                FROM
                  accepted
              )
            )
        )
        WHEN 'transactions' THEN EXISTS (
          SELECT
            1
          FROM
            production.transactions p
          WHERE
            p.transaction_id = btrim(q.record_key)
            AND (
              p.last_run_id = $2
              OR (q.entity, p.transaction_id) IN (
                SELECT
                  entity,
                  record_key
                FROM
                  accepted
              )
            )
        )
        WHEN 'transaction_items' THEN EXISTS (
          SELECT
            1
          FROM
            production.transaction_items p
          WHERE
            p.item_id = btrim(q.record_key)
            AND (
              p.last_run_id = $2
              OR (q.entity, p.item_id) IN (
                SELECT
                  entity,
                  record_key
                FROM
                  accepted
              )
            )
        )
        ELSE false
      END
    RETURNING
      1
  )
SELECT
  count(*) AS resolved
FROM
  resolved
