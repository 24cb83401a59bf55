-- One analysis result of run $1: $2 analysis name, $3 column names in SELECT order,
-- $4 rows (jsonb array of objects), $5 row count.
INSERT INTO
  ops.analysis_results (run_id, analysis, columns, rows, row_count)
VALUES
  ($1, $2, $3::text[], $4::jsonb, $5)
ON CONFLICT (run_id, analysis) DO UPDATE
SET
  columns = EXCLUDED.columns,
  rows = EXCLUDED.rows,
  row_count = EXCLUDED.row_count,
  created_at = now()
