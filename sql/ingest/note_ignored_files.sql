-- Files in the input folder that are not pipeline input, shown in the ingest stage's detail so a
-- misnamed file (customer.csv) is noticed. $1 run_id, $2 file names (text[]).
UPDATE ops.run_stages
SET
  detail = detail || jsonb_build_object('ignored_files', to_jsonb($2::text[]))
WHERE
  run_id = $1
  AND stage = 'ingest';
