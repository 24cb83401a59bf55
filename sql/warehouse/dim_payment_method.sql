-- dim_payment_method: every payment method named by the lines this load reads (type 1, no history;
-- the names from sales_lines_summary.sql).
-- payment_type: money that changes hands at the door (cash, cash/pay on delivery, COD, in store)
-- is 'Offline'; every other label (cards, UPI, net banking, wallets) is 'Online'.
-- Only new names are inserted (in name order, so keys do not depend on line order); a row is
-- rewritten only if its type rule now says otherwise.
WITH
  methods AS (
    SELECT DISTINCT
      payment_method AS name
    FROM
      pg_temp.warehouse_sales_lines_summary
  )
INSERT INTO
  warehouse.dim_payment_method AS d (payment_method_name, payment_type)
SELECT
  name,
  CASE
    WHEN name ~* '(cash|\mcod\M|(pay|payment) on delivery|in store|at store)' THEN 'Offline'
    ELSE 'Online'
  END
FROM
  methods
ORDER BY
  name
ON CONFLICT (payment_method_name) DO UPDATE
SET
  payment_type = EXCLUDED.payment_type
WHERE
  d.payment_type IS DISTINCT FROM EXCLUDED.payment_type
