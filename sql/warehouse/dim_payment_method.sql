-- dim_payment_method: every payment method named by the transactions of this run's order lines.
-- payment_type: money that changes hands at the door (cash, cash/pay on delivery, COD, in store)
-- is 'Offline'; every other label (cards, UPI, net banking, wallets) is 'Online'.
-- Only new names are inserted; a row is rewritten only if its type rule now says otherwise.
-- $1 = run id.
WITH methods AS (
  SELECT DISTINCT t.payment_method AS name
    FROM production.transaction_items i
    JOIN production.transactions t ON t.transaction_id = i.transaction_id
   WHERE i.last_run_id = $1
)
INSERT INTO warehouse.dim_payment_method AS d (payment_method_name, payment_type)
SELECT name,
       CASE WHEN name ~* '(cash|\mcod\M|(pay|payment) on delivery|in store|at store)' THEN 'Offline' ELSE 'Online' END
  FROM methods
ON CONFLICT (payment_method_name) DO UPDATE
   SET payment_type = EXCLUDED.payment_type
 WHERE d.payment_type IS DISTINCT FROM EXCLUDED.payment_type;
