-- Reconciliation after the warehouse load: the line_total of each production order line the load
-- is answerable for equals the line_total of its fact_sales row at the line's date (matched on
-- item_id and date_key: a fact left at another date is revenue in the wrong place).
--
-- Which lines: warehouse_load_lines.sql (spliced in, as the row count check
-- does), and for a rebuild the whole warehouse against all of production as of the watermarks,
-- plus facts with no production line at their date. A run that has not loaded checks 0 rows.
--
-- Compared per line and date, so amounts cannot cancel out: violations = sum of |production
-- line_total - fact line_total| per (item_id, date_key), in money (a missing or misplaced fact
-- costs at least the line's amount; a second fact at another date is the row count check's).
-- rows_checked = production lines; expected = their revenue, actual = the revenue of the facts
-- compared. Samples name lines whose amounts differ.
-- $1 run id, $2 the load's kind (see warehouse_load_lines.sql), $3-$6 see quick.
WITH
  {{load_lines}},
  quick AS (
    -- A first load's sums of both sides, computed once for both checks (first_load_sums.sql) and
    -- passed in: $3 whether they agree, $4 the load's lines, $5 and $6 the revenue of the lines
    -- and of the facts. For another kind of load false, 0, NULL, NULL.
    SELECT
      $3::boolean AS matched,
      $4::bigint AS lines,
      $5::numeric AS line_total,
      $6::numeric AS fact_total
  ),
  incremental AS (
    -- The fact at the line's date: run-time pruning makes it one probe. A fact at another date is
    -- revenue missing here (and a second fact for the row count check).
    SELECT
      d.item_id,
      d.line_total,
      f.fact_total
    FROM
      incremental_lines d
      CROSS JOIN LATERAL (
        SELECT
          sum(f.line_total) AS fact_total
        FROM
          warehouse.fact_sales f
        WHERE
          f.item_id = d.item_id
          AND f.date_key = d.date_key
      ) f
    WHERE
      NOT (
        SELECT
          matched
        FROM
          quick
      )
      AND NOT (
        SELECT
          yes
        FROM
          bulk
      )
    UNION ALL
    -- (item_id, date_key) is unique: at most one fact, so its line_total is the sum above.
    SELECT
      d.item_id,
      d.line_total,
      f.line_total
    FROM
      incremental_lines d
      LEFT JOIN warehouse.fact_sales f ON f.item_id = d.item_id
      AND f.date_key = d.date_key
    WHERE
      NOT (
        SELECT
          matched
        FROM
          quick
      )
      AND (
        SELECT
          yes
        FROM
          bulk
      )
  ),
  production_lines AS (
    -- Rebuild: every production line at its order's date, and whether it is behind both watermarks.
    SELECT
      i.item_id,
      i.line_total,
      to_char(t.transaction_date, 'YYYYMMDD')::integer AS date_key,
      i.updated_at <= (
        SELECT
          items_to
        FROM
        load
      )
      AND t.updated_at <= (
        SELECT
          transactions_to
        FROM
        load
      ) AS settled
    FROM
      production.transaction_items i
      JOIN production.transactions t ON t.transaction_id = i.transaction_id
    WHERE
      $2::text = 'rebuild'
  ),
  rebuild AS (
    SELECT
      coalesce(p.item_id, f.item_id) AS item_id,
      p.line_total,
      f.fact_total
    FROM
      (
        SELECT
          item_id,
          line_total,
          date_key
        FROM
          production_lines
        WHERE
          settled
      ) p
      FULL JOIN (
        SELECT
          item_id,
          date_key,
          sum(line_total) AS fact_total
        FROM
          warehouse.fact_sales
        WHERE
          $2::text = 'rebuild'
        GROUP BY
          item_id,
          date_key
      ) f ON f.item_id = p.item_id
      AND f.date_key = p.date_key
      -- A fact of a line changed after the watermark is the next load's to judge.
    WHERE
      p.item_id IS NOT NULL
      OR NOT EXISTS (
        SELECT
          1
        FROM
          production_lines u
        WHERE
          u.item_id = f.item_id
          AND NOT u.settled
      )
  ),
  compared AS (
    SELECT
      item_id,
      line_total,
      coalesce(fact_total, 0) AS fact_total,
      line_total IS NULL
      OR fact_total IS NULL AS one_sided
    FROM
      incremental
    UNION ALL
    SELECT
      item_id,
      line_total,
      coalesce(fact_total, 0),
      line_total IS NULL
      OR fact_total IS NULL
    FROM
      rebuild
  )
SELECT
  CASE
    WHEN (
      SELECT
        matched
      FROM
        quick
    ) THEN (
      SELECT
        lines
      FROM
        quick
    )
    ELSE count(line_total)
  END AS rows_checked,
  CASE
    WHEN (
      SELECT
        matched
      FROM
        quick
    ) THEN 0.00
    ELSE coalesce(sum(abs(coalesce(line_total, 0) - fact_total)), 0)
  END AS violations,
  CASE
    WHEN (
      SELECT
        matched
      FROM
        quick
    ) THEN (
      SELECT
        line_total
      FROM
        quick
    )
    ELSE coalesce(sum(line_total), 0)
  END AS expected,
  CASE
    WHEN (
      SELECT
        matched
      FROM
        quick
    ) THEN (
      SELECT
        fact_total
      FROM
        quick
    )
    ELSE coalesce(sum(fact_total), 0)
  END AS actual,
  coalesce(
    (
      SELECT
        array_agg(
          item_id
          ORDER BY
            item_id
        )
      FROM
        (
          SELECT DISTINCT
            item_id
          FROM
            compared
          WHERE
            one_sided
            OR line_total <> fact_total
          ORDER BY
            item_id
          LIMIT
            10
        ) s
    ),
    '{}'
  ) AS sample_ids
FROM
  compared;
