-- The run's staged customers ($1), each value trimmed with blanks read as NULL, and parsed once:
-- <column>__date is ops.safe_date of the column (NULL where it does not parse). line_ctid points
-- back at the staging line (its raw text, for quarantine and exact-copy detection); record_id is how
-- quality checks name a row (its key, else file:line). Template: {{table}} the typed table.
CREATE UNLOGGED TABLE {{table}} AS
SELECT s.ctid                                                      AS line_ctid,
       s.source_file,
       s.source_line,
       coalesce(nullif(btrim(s.customer_id), ''), s.source_file || ':' || s.source_line) AS record_id,
       nullif(btrim(s.customer_id), '')                            AS customer_id,
       nullif(btrim(s.first_name), '')                             AS first_name,
       nullif(btrim(s.last_name), '')                              AS last_name,
       nullif(btrim(s.email), '')                                  AS email,
       nullif(btrim(s.phone), '')                                  AS phone,
       nullif(btrim(s.registration_date), '')                      AS registration_date,
       nullif(btrim(s.city), '')                                   AS city,
       nullif(btrim(s.state), '')                                  AS state,
       nullif(btrim(s.country), '')                                AS country,
       nullif(btrim(s.age_group), '')                              AS age_group,
       ops.safe_date(s.registration_date)                          AS registration_date__date
  FROM staging.customers s
 WHERE s.run_id = $1
