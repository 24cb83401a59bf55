-- The run's staged order lines ($1), trimmed, blanks NULL, numbers parsed once (__int as
-- ops.safe_int, __numeric as ops.safe_numeric: NULL where the text does not parse). As
-- typed/customers.sql. The casts give what ops.safe_int / ops.safe_numeric (migration 0001) give,
-- on the value trimmed once (the lateral subquery, kept a plan node by OFFSET 0: inlined, each
-- function trimmed its argument three times). Their patterns are tested on the value's non-digits
-- (translate) instead of by regular expression, which cost ~25% of this build's CPU at 1M orders:
-- '^[-+]?\d{1,9}$' is "no non-digit but one leading sign, 1-9 digits"; '^[-+]?(\d+(\.\d*)?|\.\d+)$'
-- is "non-digits '', '.', or a leading sign and maybe '.', and at least one digit" (a spec in
-- apps/validator typed-casts.spec.ts compares both with the functions). Unlike the other typed
-- tables it has no record_id (a line's name, coalesce(item_id, source_file || ':' || source_line)):
-- readers compute it, which costs less than writing it into 2.5M rows at 1M orders.
-- Template: {{table}} the typed table.
CREATE UNLOGGED TABLE {{table}} AS
SELECT
  s.ctid AS line_ctid,
  s.source_file,
  s.source_line,
  t.item_id,
  t.transaction_id,
  t.product_id,
  t.quantity,
  t.unit_price,
  t.discount_percentage,
  t.line_total,
  CASE
    WHEN (
      t.quantity__nondigits = ''
      OR (
        t.quantity__nondigits IN ('+', '-')
        AND left(t.quantity, 1) = t.quantity__nondigits
      )
    )
    AND octet_length(t.quantity) - octet_length(t.quantity__nondigits) BETWEEN 1 AND 9 THEN t.quantity::integer
  END AS quantity__int,
  CASE
    WHEN (
      t.unit_price__nondigits IN ('', '.')
      OR (
        t.unit_price__nondigits IN ('+', '-', '+.', '-.')
        AND left(t.unit_price, 1) = left(t.unit_price__nondigits, 1)
      )
    )
    AND octet_length(t.unit_price) > octet_length(t.unit_price__nondigits)
    AND octet_length(t.unit_price) <= 30 THEN t.unit_price::numeric
  END AS unit_price__numeric,
  CASE
    WHEN (
      t.discount_percentage__nondigits IN ('', '.')
      OR (
        t.discount_percentage__nondigits IN ('+', '-', '+.', '-.')
        AND left(t.discount_percentage, 1) = left(t.discount_percentage__nondigits, 1)
      )
    )
    AND octet_length(t.discount_percentage) > octet_length(t.discount_percentage__nondigits)
    AND octet_length(t.discount_percentage) <= 30 THEN t.discount_percentage::numeric
  END AS discount_percentage__numeric,
  CASE
    WHEN (
      t.line_total__nondigits IN ('', '.')
      OR (
        t.line_total__nondigits IN ('+', '-', '+.', '-.')
        AND left(t.line_total, 1) = left(t.line_total__nondigits, 1)
      )
    )
    AND octet_length(t.line_total) > octet_length(t.line_total__nondigits)
    AND octet_length(t.line_total) <= 30 THEN t.line_total::numeric
  END AS line_total__numeric
FROM
  staging.transaction_items s
  CROSS JOIN LATERAL (
    -- The text of the parsed columns without its digits: what the casts below test a value's
    -- shape on (a regular expression per value cost ~25% of the build at 1M orders).
    SELECT
      x.*,
      translate(x.quantity, '0123456789', '') AS quantity__nondigits,
      translate(x.unit_price, '0123456789', '') AS unit_price__nondigits,
      translate(x.discount_percentage, '0123456789', '') AS discount_percentage__nondigits,
      translate(x.line_total, '0123456789', '') AS line_total__nondigits
    FROM
      (
        SELECT
          nullif(btrim(s.item_id), '') AS item_id,
          nullif(btrim(s.transaction_id), '') AS transaction_id,
          nullif(btrim(s.product_id), '') AS product_id,
          nullif(btrim(s.quantity), '') AS quantity,
          nullif(btrim(s.unit_price), '') AS unit_price,
          nullif(btrim(s.discount_percentage), '') AS discount_percentage,
          nullif(btrim(s.line_total), '') AS line_total
        OFFSET
          0
      ) x
    OFFSET
      0
  ) t
WHERE
  s.run_id = $1
