-- The run's staged order lines ($1), trimmed, blanks NULL, numbers parsed once (__int as
-- ops.safe_int, __numeric as ops.safe_numeric: NULL where the text does not parse). As
-- typed/customers.sql. The casts are ops.safe_int / ops.safe_numeric (migration 0001) written out on
-- the value trimmed once (the lateral subquery, kept a plan node by OFFSET 0): inlined, each
-- function trimmed its argument three times; ~25% of this build's CPU at 1M orders. Keep the
-- patterns in step with those functions. Template: {{table}} the typed table.
CREATE UNLOGGED TABLE {{table}} AS
SELECT s.ctid                                                      AS line_ctid,
       s.source_file,
       s.source_line,
       coalesce(t.item_id, s.source_file || ':' || s.source_line)   AS record_id,
       t.item_id,
       t.transaction_id,
       t.product_id,
       t.quantity,
       t.unit_price,
       t.discount_percentage,
       t.line_total,
       CASE WHEN t.quantity ~ '^[-+]?\d{1,9}$' THEN t.quantity::integer END AS quantity__int,
       CASE WHEN t.unit_price ~ '^[-+]?(\d+(\.\d*)?|\.\d+)$' AND length(t.unit_price) <= 30
            THEN t.unit_price::numeric END                         AS unit_price__numeric,
       CASE WHEN t.discount_percentage ~ '^[-+]?(\d+(\.\d*)?|\.\d+)$' AND length(t.discount_percentage) <= 30
            THEN t.discount_percentage::numeric END                AS discount_percentage__numeric,
       CASE WHEN t.line_total ~ '^[-+]?(\d+(\.\d*)?|\.\d+)$' AND length(t.line_total) <= 30
            THEN t.line_total::numeric END                         AS line_total__numeric
  FROM staging.transaction_items s
 CROSS JOIN LATERAL (
   SELECT nullif(btrim(s.item_id), '')             AS item_id,
          nullif(btrim(s.transaction_id), '')      AS transaction_id,
          nullif(btrim(s.product_id), '')          AS product_id,
          nullif(btrim(s.quantity), '')            AS quantity,
          nullif(btrim(s.unit_price), '')          AS unit_price,
          nullif(btrim(s.discount_percentage), '') AS discount_percentage,
          nullif(btrim(s.line_total), '')          AS line_total
   OFFSET 0
 ) t
 WHERE s.run_id = $1
