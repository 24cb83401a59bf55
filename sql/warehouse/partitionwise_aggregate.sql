-- enable_partitionwise_aggregate for the aggregate statements only ($1 'on' before, 'off' after),
-- for the rest of the transaction: they group by date_key, fact_sales' partition key, so each
-- month is aggregated (sorted) on its own instead of one sort of every fact spilling to disk.
-- Not for the whole load: the reconciliations group fact_sales by item_id, which a per-partition
-- partial aggregation only slows down (~16 s -> ~19 s at 2.5M facts).
SELECT
  set_config('enable_partitionwise_aggregate', $1::text, true) AS enable_partitionwise_aggregate
