-- A cursor over the distinct (phone, default region) pairs of the run's customers (typed table
-- {{customers}}; region '' when the country has none), fetched in batches by phone-e164.ts so memory
-- stays flat whatever the run's size. Distinct: a shared switchboard number is parsed once.
DECLARE customer_phone_pairs NO SCROLL CURSOR FOR
SELECT DISTINCT t.phone, t.phone_region
  FROM {{customers}} t
 WHERE t.phone IS NOT NULL
