-- The run's staged products ($1), trimmed, blanks NULL, numbers parsed once (<column>__numeric is
-- ops.safe_numeric, <column>__int ops.safe_int: NULL where the text does not parse). As
-- typed/customers.sql. Template: {{table}} the typed table.
CREATE UNLOGGED TABLE {{table}} AS
SELECT s.ctid                                                      AS line_ctid,
       s.source_file,
       s.source_line,
       coalesce(nullif(btrim(s.product_id), ''), s.source_file || ':' || s.source_line) AS record_id,
       nullif(btrim(s.product_id), '')                             AS product_id,
       nullif(btrim(s.product_name), '')                           AS product_name,
       nullif(btrim(s.category), '')                               AS category,
       nullif(btrim(s.sub_category), '')                           AS sub_category,
       nullif(btrim(s.price), '')                                  AS price,
       nullif(btrim(s.cost), '')                                   AS cost,
       nullif(btrim(s.brand), '')                                  AS brand,
       nullif(btrim(s.stock_quantity), '')                         AS stock_quantity,
       nullif(btrim(s.supplier_id), '')                            AS supplier_id,
       ops.safe_numeric(s.price)                                   AS price__numeric,
       ops.safe_numeric(s.cost)                                    AS cost__numeric,
       ops.safe_int(s.stock_quantity)                              AS stock_quantity__int
  FROM staging.products s
 WHERE s.run_id = $1
