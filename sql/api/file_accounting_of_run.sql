-- Per input file: lines read against rows landed and quarantined. $1 run id.
SELECT source_file, entity, lines_read, rows_landed, rows_quarantined
  FROM ops.file_accounting
 WHERE run_id = $1
 ORDER BY source_file
