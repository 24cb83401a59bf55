-- Transactions whose total_amount is not the sum of their order lines' line_total within 0.01.
-- Only transactions with lines in this run whose amounts all parse can be compared; the rest are
-- left to the range and referential checks.
-- Reads the run's typed tables ({{transactions}}, {{transaction_items}}: values trimmed, blank
-- NULL, numbers parsed once; libs/pipeline typed-tables.ts). $1 run id.
-- Cost: 1M order groups. Their sums are kept in whole cents (an int4 per line, summed into a
-- bigint held by value) for every line_total with at most two decimals, and in numeric only for
-- the others (none in usual data): numeric sum states cost ~130 MB at 1M orders and spilled to
-- disk. The total is the same exact number: cents / 100 plus the numeric rest.
WITH
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
      -- OFFSET 0: the verdict computed once per row, not once per aggregate reading it.
    OFFSET
      0
  )
SELECT
  count(*) AS rows_checked,
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
