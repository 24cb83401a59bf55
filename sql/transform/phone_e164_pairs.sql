-- A cursor over the distinct (phone, default region) pairs of the run's customers (typed table
-- {{customers}}; region '' when the country has none) that phone_e164_reuse.sql did not fill (new
-- customers, changed phones or countries), fetched in batches by phone-e164.ts so memory stays
-- flat whatever the run's size. Distinct: a shared switchboard number is parsed once.
DECLARE customer_phone_pairs NO SCROLL CURSOR FOR
SELECT DISTINCT
  t.phone,
  t.phone_region
FROM
  {{customers}} t
WHERE
  t.phone IS NOT NULL
  AND NOT EXISTS (
    SELECT
      1
    FROM
      pg_temp.customer_phone_e164 e
    WHERE
      e.phone = t.phone
      AND e.region = t.phone_region
  )
