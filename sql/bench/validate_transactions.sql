-- Floor of the validate stage for transactions ($1 = run id): the run's staged transaction rows
-- read once, every value parsed once with a plain cast to its type (blank = NULL), written to an
-- UNLOGGED table. No check, no count, no score: the validator's checks cannot read and parse
-- less than this. A value that does not parse fails the floor: the bench floors clean generated
-- data only. The bench times the four validate_<entity>.sql one after the other, as the stage
-- runs its checks.
CREATE UNLOGGED TABLE bench_floor.validate_transactions AS
SELECT
  nullif(btrim(s.transaction_id), '') AS transaction_id,
  nullif(btrim(s.customer_id), '') AS customer_id,
  nullif(btrim(s.transaction_date), '')::date AS transaction_date,
  nullif(btrim(s.transaction_time), '')::time AS transaction_time,
  nullif(btrim(s.payment_method), '') AS payment_method,
  nullif(btrim(s.shipping_address), '') AS shipping_address,
  nullif(btrim(s.total_amount), '')::numeric AS total_amount
FROM
  staging.transactions s
WHERE
  s.run_id = $1
