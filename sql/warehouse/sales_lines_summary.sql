-- What dim_date.sql, dim_payment_method.sql and fact_sales_partitions.sql need of the lines this
-- load reads (sales_lines.sql / sales_lines_bulk.sql): per payment method named, the first and last
-- sale date. One scan of the lines instead of one per statement: a first load of 1M orders read its
-- 2.5M lines (a ~330 MB temporary table) three times for these few values, the payment methods by
-- a hash of every line. For this transaction only.
CREATE TEMP TABLE warehouse_sales_lines_summary ON
COMMIT
DROP AS
SELECT
  payment_method,
  min(transaction_date) AS first_day,
  max(transaction_date) AS last_day
FROM
  pg_temp.warehouse_sales_lines
GROUP BY
  payment_method
