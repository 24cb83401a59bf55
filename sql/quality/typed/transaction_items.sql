-- The run's staged order lines ($1), trimmed, blanks NULL, numbers parsed once (__int ops.safe_int,
-- __numeric ops.safe_numeric). As typed/customers.sql. Template: {{table}} the typed table.
CREATE UNLOGGED TABLE {{table}} AS
SELECT s.ctid                                                      AS line_ctid,
       s.source_file,
       s.source_line,
       coalesce(nullif(btrim(s.item_id), ''), s.source_file || ':' || s.source_line) AS record_id,
       nullif(btrim(s.item_id), '')                                AS item_id,
       nullif(btrim(s.transaction_id), '')                         AS transaction_id,
       nullif(btrim(s.product_id), '')                             AS product_id,
       nullif(btrim(s.quantity), '')                               AS quantity,
       nullif(btrim(s.unit_price), '')                             AS unit_price,
       nullif(btrim(s.discount_percentage), '')                    AS discount_percentage,
       nullif(btrim(s.line_total), '')                             AS line_total,
       ops.safe_int(s.quantity)                                    AS quantity__int,
       ops.safe_numeric(s.unit_price)                              AS unit_price__numeric,
       ops.safe_numeric(s.discount_percentage)                     AS discount_percentage__numeric,
       ops.safe_numeric(s.line_total)                              AS line_total__numeric
  FROM staging.transaction_items s
 WHERE s.run_id = $1
