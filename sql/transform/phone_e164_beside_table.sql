-- The table parsePhonesBeside (apps/transformer phone-e164.ts) fills with the E.164 forms of the
-- run's phones that production cannot supply, on a connection of its own, committed so that the
-- transform's transaction can read it (phone_e164_seed.sql). A retry's table replaces what an
-- earlier attempt left. Placeholder: parsed, the table (typed.customer_phones_<run digest>).
DROP TABLE IF EXISTS {{parsed}};

CREATE UNLOGGED TABLE {{parsed}} (phone text NOT NULL, region text NOT NULL, e164 text)
