-- The data profile stored for a run (by its transform, or the stage that stopped it). $1 run id.
SELECT
  profile,
  computed_at
FROM
  ops.run_profiles
WHERE
  run_id = $1
