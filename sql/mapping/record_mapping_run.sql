-- The converter's control totals of a mapped run; a retried ingest plan converts again and
-- replaces them. $1 run id, $2 mapping name, $3 mapping file, $4 source folder, $5 totals (JSON).
INSERT INTO
  ops.mapping_runs (run_id, mapping, mapping_file, source_dir, control_totals)
VALUES
  ($1, $2, $3, $4, $5::jsonb)
ON CONFLICT (run_id) DO UPDATE
SET
  mapping = EXCLUDED.mapping,
  mapping_file = EXCLUDED.mapping_file,
  source_dir = EXCLUDED.source_dir,
  control_totals = EXCLUDED.control_totals,
  converted_at = now()
