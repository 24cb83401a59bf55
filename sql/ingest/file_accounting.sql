-- One input file's accounting (docs/contract.md section 3): lines read = rows landed + rows quarantined;
-- blank lines are skipped and counted apart.
-- $1 run_id, $2 source_file, $3 entity, $4 lines_read, $5 rows_landed, $6 rows_quarantined,
-- $7 extra_columns (text[]), $8 blank_lines.
INSERT INTO
  ops.file_accounting (run_id, source_file, entity, lines_read, rows_landed, rows_quarantined, extra_columns, blank_lines)
VALUES
  ($1, $2, $3, $4, $5, $6, $7::text[], $8)
ON CONFLICT (run_id, source_file) DO UPDATE
SET
  entity = excluded.entity,
  lines_read = excluded.lines_read,
  rows_landed = excluded.rows_landed,
  rows_quarantined = excluded.rows_quarantined,
  extra_columns = excluded.extra_columns,
  blank_lines = excluded.blank_lines;
