-- Per input file: records read against rows landed and quarantined, and the blank lines skipped. $1 run id.
SELECT
  source_file,
  entity,
  lines_read,
  rows_landed,
  rows_quarantined,
  blank_lines
FROM
  ops.file_accounting
WHERE
  run_id = $1
ORDER BY
  source_file
