-- Floor of the validate stage for transaction items ($1 = run id): the run's staged item rows
-- read once, every value parsed once with a plain cast to its type (blank = NULL), written to an
-- UNLOGGED table. No check, no count, no score: the validator's checks cannot read and parse
-- less than this. A value that does not parse fails the floor: the bench floors clean generated
-- data only. The bench times the four validate_<entity>.sql one after the other, as the stage
-- runs its checks.
CREATE UNLOGGED TABLE bench_floor.validate_transaction_items AS
SELECT
  nullif(btrim(s.item_id), '') AS item_id,
  nullif(btrim(s.transaction_id), '') AS transaction_id,
  nullif(btrim(s.product_id), '') AS product_id,
  nullif(btrim(s.quantity), '')::integer AS quantity,
  nullif(btrim(s.unit_price), '')::numeric AS unit_price,
  nullif(btrim(s.discount_percentage), '')::numeric AS discount_percentage,
  nullif(btrim(s.line_total), '')::numeric AS line_total
FROM
  staging.transaction_items s
WHERE
  s.run_id = $1
