-- Floor of the validate stage for products ($1 = run id): the run's staged product rows read
-- once, every value parsed once with a plain cast to its type (blank = NULL), written to an
-- UNLOGGED table. No check, no count, no score: the validator's checks cannot read and parse
-- less than this. A value that does not parse fails the floor: the bench floors clean generated
-- data only. The bench times the four validate_<entity>.sql one after the other, as the stage
-- runs its checks.
CREATE UNLOGGED TABLE bench_floor.validate_products AS
SELECT
  nullif(btrim(s.product_id), '') AS product_id,
  nullif(btrim(s.product_name), '') AS product_name,
  nullif(btrim(s.category), '') AS category,
  nullif(btrim(s.sub_category), '') AS sub_category,
  nullif(btrim(s.price), '')::numeric AS price,
  nullif(btrim(s.cost), '')::numeric AS cost,
  nullif(btrim(s.brand), '') AS brand,
  nullif(btrim(s.stock_quantity), '')::integer AS stock_quantity,
  nullif(btrim(s.supplier_id), '') AS supplier_id
FROM
  staging.products s
WHERE
  s.run_id = $1
