-- Floor of the transform stage for customers ($1 = run id): the run's staged rows typed as
-- production types them and de-duplicated on the key, the latest line (source_file, source_line)
-- winning as in the transformer; written to a logged table, as production is. No cleaning rules, no
-- reject reasons, no quarantine, no upsert, no index or foreign key: the least a transform into a
-- durable table can do. The bench times the four transform_<entity>.sql one after the other, as the
-- stage runs its entities in one transaction.
CREATE TABLE bench_floor.transform_customers AS
SELECT DISTINCT
  ON (customer_id) nullif(btrim(s.customer_id), '') AS customer_id,
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
ORDER BY
  customer_id,
  s.source_file DESC,
  s.source_line DESC
