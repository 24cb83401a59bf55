-- refresh_moved_lines.sql's condition on the facts coded_lines_of_days.sql reads: every line of a
-- transaction with a line, on those days, of a customer or product the load changed.
AND f.transaction_id IN (
  SELECT
    t.transaction_id
  FROM
    warehouse.fact_sales t
  WHERE
    t.date_key = ANY (
      ARRAY(
        SELECT
          date_key
        FROM
          pg_temp.dashboard_diff_days
      )
    )
    AND t.date_key BETWEEN (
      SELECT
        min(date_key)
      FROM
        pg_temp.dashboard_diff_days
    ) AND (
      SELECT
        max(date_key)
      FROM
        pg_temp.dashboard_diff_days
    )
    AND (
      t.customer_id IN (
        SELECT
          customer_id
        FROM
          changed_customers
      )
      OR t.product_id IN (
        SELECT
          product_id
        FROM
          changed_products
      )
    )
)
