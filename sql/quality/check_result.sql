-- The result row of the single-check templates not_null.sql, accepted_values.sql, regex.sql and
-- range.sql (spliced into their check_result placeholder by quality-gate.ts): the run's rows
-- checked, the violating ones, and up to ten of their record ids in order, from the CTE checked
-- (record_id, violated) each template defines.
SELECT
  count(*) AS rows_checked,
  count(*) FILTER (
    WHERE
      violated
  ) AS violations,
  coalesce(
    (
      SELECT
        array_agg(
          record_id
          ORDER BY
            record_id
        )
      FROM
        (
          SELECT DISTINCT
            record_id
          FROM
            checked
          WHERE
            violated
          ORDER BY
            record_id
          LIMIT
            10
        ) s
    ),
    '{}'
  ) AS sample_ids
FROM
  checked;
