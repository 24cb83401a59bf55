-- Drops the results an earlier attempt of run $1 stored, so a rerun replaces rather than adds.
DELETE FROM ops.analysis_results
WHERE
  run_id = $1
