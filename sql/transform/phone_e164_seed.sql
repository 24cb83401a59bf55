-- After phone_e164_reuse.sql: the pairs parsePhonesBeside parsed (the table named by the placeholder
-- parsed) that production did not supply. What is still missing afterwards (production changed
-- between the two connections' reads, or nothing was parsed beside) phone_e164_pairs.sql finds and
-- fillPhoneE164 parses.
INSERT INTO
  pg_temp.customer_phone_e164 (phone, region, e164)
SELECT
  b.phone,
  b.region,
  b.e164
FROM
  {{parsed}} b
WHERE
  NOT EXISTS (
    SELECT
      1
    FROM
      pg_temp.customer_phone_e164 e
    WHERE
      e.phone = b.phone
      AND e.region = b.region
  )
