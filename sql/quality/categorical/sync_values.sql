-- The canonical values and aliases of config/categorical-values.yaml into ops.categorical_values,
-- keyed by ops.fold_key of their spelling (the database folds, so lookups and keys agree). $1: jsonb
-- array of {field, spelling, value, origin, region}. Config rows the file no longer names go, and so
-- do learned rows of a field that is no longer `keep` (else they would stay known); learned rows of
-- `keep` fields stay, except where the file now names the value (the file wins).
WITH
  wanted AS (
    SELECT DISTINCT
      ON (w.field, ops.fold_key (w.spelling)) w.field,
      ops.fold_key (w.spelling) AS key,
      w.value,
      w.origin,
      w.region
    FROM
      jsonb_to_recordset($1::jsonb) AS w (field text, spelling text, value text, origin text, region text)
    WHERE
      ops.fold_key (w.spelling) <> ''
    ORDER BY
      w.field,
      ops.fold_key (w.spelling),
      w.origin = 'canonical' DESC
  ),
  dropped AS (
    DELETE FROM ops.categorical_values v USING ops.categorical_fields f
    WHERE
      f.field = v.field
      AND (
        v.origin <> 'learned'
        OR f.on_unknown <> 'keep'
      )
      AND NOT EXISTS (
        SELECT
          1
        FROM
          wanted w
        WHERE
          w.field = v.field
          AND w.key = v.key
      )
    RETURNING
      1
  )
INSERT INTO
  ops.categorical_values AS v (field, key, value, origin, region)
SELECT
  w.field,
  w.key,
  w.value,
  w.origin,
  w.region
FROM
  wanted w
ON CONFLICT (field, key) DO UPDATE
SET
  value = EXCLUDED.value,
  origin = EXCLUDED.origin,
  region = EXCLUDED.region,
  run_id = NULL
WHERE
  (v.value, v.origin, v.region) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.origin, EXCLUDED.region)
