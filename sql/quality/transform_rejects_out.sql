-- The transform's rejects of one run as its (still uncommitted) transaction sees them, for
-- COPY ... TO STDOUT: the reject gate keeps them when it fails the run (libs/pipeline reject-gate.ts).
-- COPY takes no parameters: the run id placeholder is filled with a quoted literal.
COPY (
  SELECT
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
  FROM
    ops.quarantine
  WHERE
    run_id = {{run_id}}
    AND stage = 'transform'
  ORDER BY
    quarantine_id
) TO STDOUT
