-- Reconciliation after the warehouse load: each production order line the load is answerable for
-- has exactly one fact_sales row (matched on item_id, the line's natural key).
--
-- Which lines: warehouse_load_lines.sql (spliced in, as the revenue check
-- does), and for a rebuild the whole warehouse against all of production as of the watermark,
-- plus facts whose line is not in production at all. A run that has not loaded checks 0 rows.
--
-- Violations are counted per line, so a missing fact and a duplicated one cannot cancel out:
-- sum of |production lines - facts| per item_id. expected = production lines, actual = their facts.
-- $1 run id, $2 the load's kind (see warehouse_load_lines.sql), $3-$6 see quick.
WITH
  {{load_lines}},
  quick AS (
    -- A first load's sums of both sides, computed once for both checks (first_load_sums.sql)
    -- and passed in: $3 whether they agree, $4 the
    -- load's lines, $5 and $6 the revenue of the lines and of the facts. For another kind of load
    -- false, 0, NULL, NULL.
    SELECT
      $3::boolean AS matched,
      $4::bigint AS lines,
      $5::numeric AS line_total,
      $6::numeric AS fact_total
  ),
  fact_months AS MATERIALIZED (
    -- Each month's lowest and highest item_id (warehouse/fact_month_item_ranges.sql, as
    -- sales_lines.sql reads them), for an incremental or a first load: read only if the per-line
    -- branch below runs.
    {{fact_months}}
  ),
  incremental AS (
    -- Facts of the line in any partition (a stale one left behind by a date change counts): one
    -- index-only probe in each month whose item_id range holds the line (fact_months), the month's
    -- bounds pruning the probe to its partition at run time. Probing all 14 partitions of a 1M
    -- warehouse per line cost ~80 ms for a day's 5k lines; a join would hash every partition.
    SELECT
      d.item_id,
      true AS in_production,
      f.fact_rows
    FROM
      incremental_lines d
      CROSS JOIN LATERAL (
        SELECT
          count(*) AS fact_rows
        FROM
          fact_months m
          CROSS JOIN LATERAL (
            SELECT
              1
            FROM
              warehouse.fact_sales f
            WHERE
              f.item_id = d.item_id
              AND f.date_key >= m.lo
              AND f.date_key < m.hi
            OFFSET
              0
          ) f
        WHERE
          d.item_id BETWEEN m.min_id AND m.max_id
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
    SELECT
      d.item_id,
      true,
      count(f.item_id)
    FROM
      incremental_lines d
      LEFT JOIN warehouse.fact_sales f ON f.item_id = d.item_id
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
    GROUP BY
      d.item_id
  ),
  rebuild AS (
    SELECT
      coalesce(p.item_id, f.item_id) AS item_id,
      p.item_id IS NOT NULL AS in_production,
      coalesce(f.fact_rows, 0) AS fact_rows
    FROM
      (
        SELECT
          item_id,
          updated_at
        FROM
          production.transaction_items
        WHERE
          $2::text = 'rebuild'
      ) p
      FULL JOIN (
        SELECT
          item_id,
          count(*) AS fact_rows
        FROM
          warehouse.fact_sales
        WHERE
          $2::text = 'rebuild'
        GROUP BY
          item_id
      ) f ON f.item_id = p.item_id
    WHERE
      p.item_id IS NULL
      OR p.updated_at <= (
        SELECT
          items_to
        FROM
        load
      )
  ),
  compared AS (
    SELECT
      *
    FROM
      incremental
    UNION ALL
    SELECT
      *
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
    ELSE count(*) FILTER (
      WHERE
        in_production
    )
  END AS rows_checked,
  coalesce(sum(abs(in_production::int - fact_rows)), 0) AS violations,
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
    ELSE count(*) FILTER (
      WHERE
        in_production
    )
  END AS expected,
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
    ELSE coalesce(sum(fact_rows), 0)
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
          SELECT
            item_id
          FROM
            compared
          WHERE
            fact_rows <> in_production::int
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
