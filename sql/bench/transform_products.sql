-- Floor of the transform stage for products ($1 = run id): the run's staged rows typed as
-- production types them and de-duplicated on the key, the latest line (source_file, source_line)
-- winning as in the transformer; written to a logged table, as production is. No cleaning rules, no
-- reject reasons, no quarantine, no upsert, no index or foreign key: the least a transform into a
-- durable table can do. The bench times the four transform_<entity>.sql one after the other, as the
-- stage runs its entities in one transaction.
CREATE TABLE bench_floor.transform_products AS
SELECT DISTINCT
  ON (product_id) nullif(btrim(s.product_id), '') AS product_id,
  nullif(btrim(s.product_name), '') AS product_name,
  nullif(btrim(s.category), '') AS category,
  nullif(btrim(s.sub_category), '') AS sub_category,
  nullif(btrim(s.price), '')::numeric(12, 2) AS price,
  nullif(btrim(s.cost), '')::numeric(12, 2) AS cost,
  nullif(btrim(s.brand), '') AS brand,
  nullif(btrim(s.stock_quantity), '')::integer AS stock_quantity,
  nullif(btrim(s.supplier_id), '') AS supplier_id
FROM
  staging.products s
WHERE
  s.run_id = $1
ORDER BY
  product_id,
  s.source_file DESC,
  s.source_line DESC
