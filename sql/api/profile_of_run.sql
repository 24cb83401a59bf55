-- The data profile the validate stage measured for a run. $1 run id.
SELECT
  profile,
  computed_at
FROM
  ops.run_profiles
WHERE
  run_id = $1
