-- Up Migration
-- production.transaction_items' index on product_id (0003) serves no statement: no load,
-- reconciliation, warehouse read or API query looks order lines up by their product (the
-- warehouse joins each line to its product through products' key), and products are never deleted
-- nor re-keyed, the only writes whose foreign-key check would look the lines up by product_id (an
-- upsert that keeps product_id skips that check). Its build was the dearest of a first load's
-- order-line restore (ops.bulk_load_restore): 2.5M entries of ~500 distinct product_ids at 1M
-- orders, compared by strcoll; replay of run 1 on a 1M clone, the restore's leader CPU
-- 5.87 / 6.49 -> 4.82 / 5.09 s and its workers' 5.51 / 5.12 -> 3.22 / 2.58 s. The foreign key
-- itself stays, validated as before. Numbered 0051, above the numbers handed out to the other
-- stages' sessions (0048-0050), since the migrator checks their order.
DROP INDEX production.transaction_items_product_idx;

-- Down Migration
CREATE INDEX transaction_items_product_idx ON production.transaction_items (product_id);
