-- Records run $1's load in the ledger, in the stage's transaction: the watermarks the next load
-- starts from. A second load of the same run keeps the first record (it reused its window).
-- $2 mode, $3 as-of date, $4..$11 the (from, to] windows of customers, products, transactions,
-- items; $12 customer changes, $13 product changes, $14 order lines read.
INSERT INTO ops.warehouse_loads
  (run_id, mode, as_of_date, customers_from, customers_to, products_from, products_to,
   transactions_from, transactions_to, items_from, items_to, customer_changes, product_changes, lines)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (run_id) DO NOTHING
