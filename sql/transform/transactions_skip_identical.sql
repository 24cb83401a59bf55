-- Spliced into sql/transform/transactions.sql ({{skip_identical}}) when production.transactions
-- already holds rows: an accepted order whose production row is identical is left out of the
-- upsert. ON CONFLICT would find it, lock it (dirtying its page) and then write nothing; at 1M
-- re-delivered orders that cost ~14 s of run 2, one hash anti-join costs ~1 s. The columns are the
-- ones transactions_on_conflict.sql compares, so what is written does not change. Nothing else can
-- change the row meanwhile: one run at a time (docs/operations.md) and this is its transaction.
     AND NOT EXISTS (SELECT 1 FROM production.transactions same
                      WHERE same.transaction_id = d.transaction_id
                        AND (same.customer_id, same.transaction_date, same.transaction_time,
                             same.payment_method, same.shipping_address, same.total_amount)
                            IS NOT DISTINCT FROM
                            (d.customer_id, d.transaction_date, d.transaction_time,
                             d.payment_method, d.shipping_address, d.total_amount))
