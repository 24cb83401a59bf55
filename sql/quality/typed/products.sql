-- The run's staged products ($1), trimmed, blanks NULL, numbers parsed once (<column>__numeric is
-- ops.safe_numeric, <column>__int ops.safe_int: NULL where the text does not parse). As
-- typed/customers.sql, whose categorical columns (here category, sub_category: canonical spelling,
-- unknown_field / unknown_text / unknown_reason) this follows. Template: {{table}} the typed table.
CREATE UNLOGGED TABLE {{table}} AS
SELECT
  s.ctid AS line_ctid,
  s.source_file,
  s.source_line,
  coalesce(nullif(btrim(s.product_id), ''), s.source_file || ':' || s.source_line) AS record_id,
  nullif(btrim(s.product_id), '') AS product_id,
  nullif(btrim(s.product_name), '') AS product_name,
  CASE
    WHEN c.category IS NOT NULL THEN coalesce(category.value, f.category_default, c.category)
  END AS category,
  CASE
    WHEN c.sub_category IS NOT NULL THEN coalesce(sub_category.value, f.sub_category_default, c.sub_category)
  END AS sub_category,
  nullif(btrim(s.price), '') AS price,
  nullif(btrim(s.cost), '') AS cost,
  nullif(btrim(s.brand), '') AS brand,
  nullif(btrim(s.stock_quantity), '') AS stock_quantity,
  nullif(btrim(s.supplier_id), '') AS supplier_id,
  ops.safe_numeric (s.price) AS price__numeric,
  ops.safe_numeric (s.cost) AS cost__numeric,
  ops.safe_int (s.stock_quantity) AS stock_quantity__int,
  CASE
    WHEN c.category IS NOT NULL
    AND category.value IS NULL
    AND f.category_default IS NULL THEN 'category'
    WHEN c.sub_category IS NOT NULL
    AND sub_category.value IS NULL
    AND f.sub_category_default IS NULL THEN 'sub_category'
  END AS unknown_field,
  CASE
    WHEN c.category IS NOT NULL
    AND category.value IS NULL
    AND f.category_default IS NULL THEN c.category
    WHEN c.sub_category IS NOT NULL
    AND sub_category.value IS NULL
    AND f.sub_category_default IS NULL THEN c.sub_category
  END AS unknown_text,
  CASE
    WHEN c.category IS NOT NULL
    AND category.value IS NULL
    AND f.category_default IS NULL THEN f.category_reason
    WHEN c.sub_category IS NOT NULL
    AND sub_category.value IS NULL
    AND f.sub_category_default IS NULL THEN f.sub_category_reason
  END AS unknown_reason
FROM
  staging.products s
  CROSS JOIN LATERAL (
    SELECT
      nullif(btrim(s.category), '') AS category,
      nullif(btrim(s.sub_category), '') AS sub_category
    OFFSET
      0
  ) c
  CROSS JOIN (
    SELECT
      max(default_value) FILTER (
        WHERE
          field = 'category'
      ) AS category_default,
      max(reason_code) FILTER (
        WHERE
          field = 'category'
      ) AS category_reason,
      max(default_value) FILTER (
        WHERE
          field = 'sub_category'
      ) AS sub_category_default,
      max(reason_code) FILTER (
        WHERE
          field = 'sub_category'
      ) AS sub_category_reason
    FROM
      ops.categorical_fields
  ) f
  LEFT JOIN LATERAL (
    SELECT
      v.value
    FROM
      ops.categorical_values v
    WHERE
      v.field = 'category'
      AND v.key = ops.fold_key (c.category)
    LIMIT
      1
  ) category ON true
  LEFT JOIN LATERAL (
    SELECT
      v.value
    FROM
      ops.categorical_values v
    WHERE
      v.field = 'sub_category'
      AND v.key = ops.fold_key (c.sub_category)
    LIMIT
      1
  ) sub_category ON true
WHERE
  s.run_id = $1
