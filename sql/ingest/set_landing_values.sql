-- The run and file the next clean-chunk COPY lands, for the rest of the transaction: staging's
-- run_id and source_file default to them (staging.landing_value, migration 0016).
-- $1 run_id, $2 source_file.
SELECT
  set_config('ecom.landing_run_id', $1, true),
  set_config('ecom.landing_source_file', $2, true)
