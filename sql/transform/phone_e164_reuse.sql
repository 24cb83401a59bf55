-- The E.164 forms production already holds for the run's customers whose phone and country did not
-- change (typed table {{customers}}): copied, not parsed again. A first load finds none. Run after
-- phone_e164_prepare.sql and before phone_e164_pairs.sql, whose cursor skips the pairs filled here.
INSERT INTO
  pg_temp.customer_phone_e164 (phone, region, e164)
SELECT DISTINCT
  ON (t.phone, t.phone_region) t.phone,
  t.phone_region,
  p.phone_e164
FROM
  {{customers}} t
  JOIN production.customers p ON p.customer_id = t.customer_id
WHERE
  t.phone IS NOT NULL
  AND p.phone = t.phone
  AND p.country IS NOT DISTINCT FROM t.country
ORDER BY
  t.phone,
  t.phone_region,
  p.phone_e164 NULLS LAST
