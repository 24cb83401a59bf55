-- Floor of the transform stage for transaction items ($1 = run id): the run's staged rows typed as
-- production types them and de-duplicated on the key, the latest line (source_file, source_line)
-- winning as in the transformer; written to a logged table, as production is. No cleaning rules, no
-- reject reasons, no quarantine, no upsert, no index or foreign key: the least a transform into a
-- durable table can do. The bench times the four transform_<entity>.sql one after the other, as the
-- stage runs its entities in one transaction.
CREATE TABLE bench_floor.transform_transaction_items AS
SELECT DISTINCT
  ON (item_id) nullif(btrim(s.item_id), '') AS item_id,
  nullif(btrim(s.transaction_id), '') AS transaction_id,
  nullif(btrim(s.product_id), '') AS product_id,
  nullif(btrim(s.quantity), '')::integer AS quantity,
  nullif(btrim(s.unit_price), '')::numeric(12, 2) AS unit_price,
  nullif(btrim(s.discount_percentage), '')::numeric(5, 2) AS discount_percentage,
  nullif(btrim(s.line_total), '')::numeric(12, 2) AS line_total
FROM
  staging.transaction_items s
WHERE
  s.run_id = $1
ORDER BY
  item_id,
  s.source_file DESC,
  s.source_line DESC
