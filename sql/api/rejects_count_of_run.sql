-- How many of a run's quarantined records match the filters (ops.run_rejects, migration 0043, as
-- sql/api/rejects_of_run.sql reads them). $1 run id; $2 reason_code, $3 source_file, $4 stage,
-- $5 entity, $6 resolved; NULL = any.
SELECT
  count(*) AS total
FROM
  ops.run_rejects ($1, $2, $3, $4, $5, $6)
