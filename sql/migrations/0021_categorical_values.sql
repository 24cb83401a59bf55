-- Up Migration
-- One spelling per categorical value (config/categorical-values.yaml, docs/quality.md): the
-- typed tables (sql/quality/typed/) look every payment method, category, sub-category, country,
-- state and age group up here by its folded key and carry the canonical spelling on, so the checks,
-- the transform, the warehouse and the analyses see one value where the files had several.
-- The rows of ops.categorical_values with origin canonical or alias are the config file, written
-- again whenever typed tables are built (libs/pipeline typed-tables.ts); learned rows are the first
-- spelling seen of a value of a `keep` field that the file does not name, and stay.
--
-- Rows already in production keep their spelling until delivered again: a migration cannot read the
-- config file, and rewriting production behind the warehouse's change logs would leave its type 2
-- dimensions out of step (docs/operations.md, "Categorical values").

-- How two spellings compare: inner whitespace collapsed to one space, trimmed, lower-cased
-- (libs/config categorical-values.ts foldKey is the same in TypeScript). Blank gives ''.
CREATE FUNCTION ops.fold_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(btrim(regexp_replace(value, '\s+', ' ', 'g'))) $$;

CREATE TABLE ops.categorical_fields (
  field         text PRIMARY KEY,
  on_unknown    text NOT NULL CHECK (on_unknown IN ('quarantine', 'keep', 'default')),
  -- The value an unknown one loads as (on_unknown = 'default').
  default_value text CHECK ((on_unknown = 'default') = (default_value IS NOT NULL)),
  -- The reject reason of an unknown value (on_unknown = 'quarantine').
  reason_code   text NOT NULL,
  synced_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ops.categorical_values (
  field    text NOT NULL REFERENCES ops.categorical_fields ON DELETE CASCADE,
  key      text NOT NULL CHECK (key <> ''),
  value    text NOT NULL,
  origin   text NOT NULL CHECK (origin IN ('canonical', 'alias', 'learned')),
  -- Country canonical rows: the ISO 3166 region, the default region of phones without '+'.
  region   text,
  -- Learned rows: the run that first delivered the spelling.
  run_id   text,
  PRIMARY KEY (field, key)
);

-- The phone as the customer gave it stays in `phone`; this is its E.164 form (libphonenumber-js,
-- the customer's country as the default region), NULL when it does not parse.
ALTER TABLE production.customers ADD COLUMN phone_e164 text;

-- Down Migration
ALTER TABLE production.customers DROP COLUMN IF EXISTS phone_e164;
DROP TABLE IF EXISTS ops.categorical_values;
DROP TABLE IF EXISTS ops.categorical_fields;
DROP FUNCTION IF EXISTS ops.fold_key(text);
