-- The run's distinct (phone, region) pairs that production cannot supply, for parsePhonesBeside:
-- every pair of the run's customers but those phone_e164_reuse.sql copies from production (a
-- customer whose phone and country production already holds), read from the committed state the
-- transform's transaction also starts from. Fetched in batches by phone_e164_fetch.sql; closed by
-- the commit. Placeholders: customers, the run's typed customers; customer_lookup, as in
-- phone_e164_reuse.sql.
DECLARE customer_phone_pairs NO SCROLL CURSOR FOR
SELECT
  t.phone,
  t.phone_region
FROM
  {{customers}} t
WHERE
  t.phone IS NOT NULL
EXCEPT
SELECT
  t.phone,
  t.phone_region
FROM
  {{customers}} t {{customer_lookup}}
WHERE
  t.phone IS NOT NULL
  AND p.phone = t.phone
  AND p.country IS NOT DISTINCT FROM t.country
