-- Floor of the validate stage for customers ($1 = run id): the run's staged customer rows read
-- once, every value parsed once with a plain cast to its type (blank = NULL), written to an
-- UNLOGGED table. No check, no count, no score: the validator's checks cannot read and parse
-- less than this. A value that does not parse fails the floor: the bench floors clean generated
-- data only. The bench times the four validate_<entity>.sql one after the other, as the stage
-- runs its checks.
CREATE UNLOGGED TABLE bench_floor.validate_customers AS
SELECT
  nullif(btrim(s.customer_id), '') AS customer_id,
  nullif(btrim(s.first_name), '') AS first_name,
  nullif(btrim(s.last_name), '') AS last_name,
  nullif(btrim(s.email), '') AS email,
  nullif(btrim(s.phone), '') AS phone,
  nullif(btrim(s.registration_date), '')::date AS registration_date,
  nullif(btrim(s.city), '') AS city,
  nullif(btrim(s.state), '') AS state,
  nullif(btrim(s.country), '') AS country,
  nullif(btrim(s.age_group), '') AS age_group
FROM
  staging.customers s
WHERE
  s.run_id = $1
