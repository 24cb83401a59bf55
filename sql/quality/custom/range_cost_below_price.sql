-- Products whose price or cost is not a number above 0, or whose cost is not below the price (a
-- custom check: it compares two columns of one row). $1 run id.
-- Every row of the run is checked; a blank value is completeness's concern, not a range violation.
-- Reads the run's typed products ({{products}}: values trimmed, blank NULL, numbers parsed once).
WITH
  checked AS (
    SELECT
      record_id,
      coalesce(
        (
          price IS NOT NULL
          AND (price__numeric > 0) IS NOT TRUE
        )
        OR (
          cost IS NOT NULL
          AND (cost__numeric > 0) IS NOT TRUE
        )
        OR cost__numeric >= price__numeric,
        false
      ) AS violated
    FROM
      {{products}}
    WHERE
      $1::text IS NOT NULL
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
