-- One scheduled evaluation: score, status and every check's result.
INSERT INTO
  ops.monitoring_snapshots (score, status, checks)
VALUES
  ($1, $2, $3::jsonb)
