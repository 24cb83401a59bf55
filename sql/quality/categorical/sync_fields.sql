-- The fields of config/categorical-values.yaml into ops.categorical_fields (libs/pipeline
-- typed-tables.ts syncCategoricalValues). $1: jsonb array of {field, on_unknown, default_value,
-- reason_code}. A row is rewritten only when the file changed it.
INSERT INTO
  ops.categorical_fields AS f (field, on_unknown, default_value, reason_code)
SELECT
  w.field,
  w.on_unknown,
  w.default_value,
  w.reason_code
FROM
  jsonb_to_recordset($1::jsonb) AS w (field text, on_unknown text, default_value text, reason_code text)
ON CONFLICT (field) DO UPDATE
SET
  on_unknown = EXCLUDED.on_unknown,
  default_value = EXCLUDED.default_value,
  reason_code = EXCLUDED.reason_code,
  synced_at = now()
WHERE
  (f.on_unknown, f.default_value, f.reason_code) IS DISTINCT FROM (EXCLUDED.on_unknown, EXCLUDED.default_value, EXCLUDED.reason_code)
