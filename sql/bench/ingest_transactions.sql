-- Floor of the ingest stage for one transactions file (or file part): the bench streams the file as
-- it lies on disk into PostgreSQL's own CSV parser, which writes an UNLOGGED all-text table
-- (ingest_tables.sql). No quarantine, no accounting, no source line, no WAL: the bytes read once
-- and the fields stored. The bench runs as many of these at once as the ingest stage lands parts at
-- once (workerConcurrency) and times them together. HEADER MATCH: the header must name these
-- columns in this order, as generated files do.
COPY bench_floor.ingest_transactions (
  transaction_id,
  customer_id,
  transaction_date,
  transaction_time,
  payment_method,
  shipping_address,
  total_amount
)
FROM
  STDIN (FORMAT csv, HEADER MATCH)
