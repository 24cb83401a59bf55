-- Up Migration
-- ops.fold_key collapsed only what the database's regex locale calls a space: in a database whose
-- ctype does not class U+00A0 (no-break space, common in spreadsheet exports) or U+3000 as spaces,
-- 'Credit<NBSP>Card' folded apart from 'credit card', while the config check in TypeScript
-- (foldKey, JavaScript's \s) folded them together. Naming every Unicode space makes both agree on
-- any database.
CREATE OR REPLACE FUNCTION ops.fold_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(btrim(regexp_replace(value, '[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+', ' ', 'g'))) $$;

-- Down Migration
CREATE OR REPLACE FUNCTION ops.fold_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(btrim(regexp_replace(value, '\s+', ' ', 'g'))) $$;
