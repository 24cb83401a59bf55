-- Floor of the transform stage for transactions ($1 = run id): the run's staged rows typed as
-- production types them and de-duplicated on the key, the latest line (source_file, source_line)
-- winning as in the transformer; written to a logged table, as production is. No cleaning rules, no
-- reject reasons, no quarantine, no upsert, no index or foreign key: the least a transform into a
-- durable table can do. The bench times the four transform_<entity>.sql one after the other, as the
-- stage runs its entities in one transaction.
CREATE TABLE bench_floor.transform_transactions AS
SELECT DISTINCT
  ON (transaction_id) nullif(btrim(s.transaction_id), '') AS transaction_id,
  nullif(btrim(s.customer_id), '') AS customer_id,
  nullif(btrim(s.transaction_date), '')::date AS transaction_date,
  nullif(btrim(s.transaction_time), '')::time AS transaction_time,
  nullif(btrim(s.payment_method), '') AS payment_method,
  nullif(btrim(s.shipping_address), '') AS shipping_address,
  nullif(btrim(s.total_amount), '')::numeric(12, 2) AS total_amount
FROM
  staging.transactions s
WHERE
  s.run_id = $1
ORDER BY
  transaction_id,
  s.source_file DESC,
  s.source_line DESC
