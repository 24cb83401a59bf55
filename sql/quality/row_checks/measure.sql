-- One check's result columns in sql/quality/row_checks.sql (spliced into its {{measures}}): the
-- rows it flags and up to 10 of their record ids, sorted, as every check template returns them.
-- {{violated}} the check's verdict column, {{n}} its number.
count(*) FILTER (
  WHERE
    {{violated}}
) AS violations_{{n}},
coalesce(
  (
    array_agg(
      DISTINCT record_id
      ORDER BY
        record_id
    ) FILTER (
      WHERE
        {{violated}}
    )
  ) [1:10],
  '{}'
) AS sample_ids_{{n}}
