-- Receives transform_rejects_out.sql on another connection, committed on its own.
COPY ops.quarantine (
  run_id,
  stage,
  entity,
  source_file,
  source_line,
  record_key,
  raw_record,
  reason_code,
  message,
  created_at
)
FROM
  STDIN
