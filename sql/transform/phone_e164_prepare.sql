-- The E.164 forms of the run's customer phones (apps/transformer phone-e164.ts fills it, customers.sql
-- joins it by phone and region). Temporary, gone with the transform's transaction. Two statements,
-- no parameters: a retry in a new transaction starts without it, a second call in one replaces it.
DROP TABLE IF EXISTS pg_temp.customer_phone_e164;

CREATE TEMP TABLE customer_phone_e164 (phone text NOT NULL, region text NOT NULL, e164 text) ON
COMMIT
DROP;
