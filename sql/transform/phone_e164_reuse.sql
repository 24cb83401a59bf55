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
  -- p: the customer's production row, joined, or probed by key for a run small beside production
  -- (a delta's ~1k customers: the join hashed all 100k, 28 of 29 ms); customer_lookup_*.sql. The
  -- WHERE below keeps only rows with one (an inner join).
  {{customer_lookup}}
WHERE
  t.phone IS NOT NULL
  AND p.phone = t.phone
  AND p.country IS NOT DISTINCT FROM t.country
ORDER BY
  t.phone,
  t.phone_region,
  p.phone_e164 NULLS LAST
