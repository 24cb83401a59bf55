-- Transactions whose total_amount is not the sum of their order lines' line_total within 0.01.
-- Only transactions with lines in this run whose amounts all parse can be compared; the rest are
-- left to the range and referential checks.
-- Reads the run's typed tables ({{transactions}}, {{transaction_items}}: values trimmed, blank
-- NULL, numbers parsed once; libs/pipeline typed-tables.ts). $1 run id.
-- Cost: 1M order groups. Their sums are kept in whole cents (an int4 per line, summed into a
-- bigint held by value) for every line_total with at most two decimals, and in numeric only for
-- the others (none in usual data): numeric sum states cost ~130 MB at 1M orders and spilled to
-- disk. The total is the same exact number: cents / 100 plus the numeric rest.
-- First, without grouping: the orders' totals and the lines' amounts summed weighted by two 64-bit
-- hashes of the transaction_id, one scan of each table. When every order row has its own
-- transaction_id (their hashes all distinct) and a parsed, non-zero total, every line a parsed
-- amount, and both weighted sums agree, then (but for a ~2^-64 chance that differences
-- cancel) each order's total is exactly its lines' sum, so each order has lines and none is off:
-- rows_checked is the orders, violations 0, and the per-order comparison is skipped. A non-zero
-- total with no lines, or a line off by a cent, leaves its weight in the difference; lines of
-- orders the run does not stage weigh only when they do not sum to 0, and the comparison below
-- would not read them either. Otherwise (dirty data, duplicates, totals within the 0.01 allowed
-- but not exact) the comparison runs as always. At 1M orders: 2.7-2.9 -> 1.0-1.1 s of backend
-- CPU (a rolled-back replay on the bench's typed tables).
WITH
  quick AS (
    SELECT
      coalesce(
        o.rows > 0
        AND o.distinct_ids = o.rows
        AND o.unusable = 0
        AND l.unusable = 0
        AND o.w0 = l.w0
        AND o.w1 = l.w1,
        false
      ) AS matched,
      o.rows
    FROM
      (
        SELECT
          count(*) AS rows,
          -- Distinct hashes mean distinct ids; a collision only sends the check to the comparison.
          count(DISTINCT hashtextextended (transaction_id, 0)) AS distinct_ids,
          count(*) FILTER (
            WHERE
              transaction_id IS NULL
              OR total_amount__numeric IS NULL
              OR total_amount__numeric = 0
          ) AS unusable,
          sum(hashtextextended (transaction_id, 0)::numeric * total_amount__numeric) AS w0,
          sum(hashtextextended (transaction_id, 1)::numeric * total_amount__numeric) AS w1
        FROM
          {{transactions}}
        WHERE
          $1::text IS NOT NULL
      ) o,
      (
        SELECT
          count(*) FILTER (
            WHERE
              line_total__numeric IS NULL
          ) AS unusable,
          sum(hashtextextended (transaction_id, 0)::numeric * line_total__numeric) AS w0,
          sum(hashtextextended (transaction_id, 1)::numeric * line_total__numeric) AS w1
        FROM
          {{transaction_items}}
        WHERE
          transaction_id IS NOT NULL
      ) l
  ),
  line_sums AS (
    SELECT
      transaction_id,
      sum(cents) AS cents_total,
      sum(line_total__numeric) FILTER (
        WHERE
          cents IS NULL
      ) AS other_total,
      bool_and(line_total__numeric IS NOT NULL) AS all_parsed
    FROM
      (
        SELECT
          transaction_id,
          line_total__numeric,
          CASE
            WHEN abs(line_total__numeric) < 20000000
            AND scale(line_total__numeric) <= 2 THEN (line_total__numeric * 100)::int4
          END AS cents
        FROM
          {{transaction_items}}
        WHERE
          transaction_id IS NOT NULL
          AND NOT (
            SELECT
              matched
            FROM
              quick
          )
        OFFSET
          0
      ) l
    GROUP BY
      1
  ),
  checked AS (
    SELECT
      o.record_id,
      abs(o.total_amount__numeric - (coalesce(l.cents_total, 0) / 100.0 + coalesce(l.other_total, 0))) > 0.01 AS violated
    FROM
      {{transactions}} o
      JOIN line_sums l ON l.transaction_id = o.transaction_id
    WHERE
      l.all_parsed
      AND o.total_amount__numeric IS NOT NULL
      AND $1::text IS NOT NULL
      AND NOT (
        SELECT
          matched
        FROM
          quick
      )
      -- OFFSET 0: the verdict computed once per row, not once per aggregate reading it.
    OFFSET
      0
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
        rows
      FROM
        quick
    )
    ELSE count(*)
  END AS rows_checked,
  count(*) FILTER (
    WHERE
      violated
  ) AS violations,
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
