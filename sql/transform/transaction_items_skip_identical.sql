-- Spliced into sql/transform/transaction_items.sql ({{skip_identical}}) when
-- production.transaction_items already holds rows: an accepted line whose production row is
-- identical is left out of the upsert. ON CONFLICT would find it, lock it (dirtying its page) and
-- then write nothing; at 2.5M re-delivered lines that cost ~10 s of run 2, one hash anti-join ~2 s.
-- The columns are the ones transaction_items_on_conflict.sql compares, so what is written does not
-- change. Nothing else can change the row meanwhile: one run at a time (docs/operations.md) and
-- this is its transaction.
     AND NOT EXISTS (SELECT 1 FROM production.transaction_items same
                      WHERE same.item_id = d.item_id
                        AND (same.transaction_id, same.product_id, same.quantity, same.unit_price,
                             same.discount_percentage, same.line_total)
                            IS NOT DISTINCT FROM
                            (d.transaction_id, d.product_id, d.quantity, d.unit_price,
                             d.discount_percentage, d.line_total))
