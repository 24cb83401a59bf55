-- The fact lines of the transactions with a line of a customer or product load $1 changed, on the
-- days that may be brought up to date by difference (refresh_diff_days.sql), coded as
-- refresh_lines_touched.sql codes them: the placeholder lines is coded_lines_of_days.sql over
-- dashboard_diff_days, with moved_lines_flags.sql's columns and moved_lines_transactions.sql's
-- condition. Only those lines can have moved there (a fact is re-pointed only to another version
-- of its own customer or product, and a version's place, category or cost changes only through a
-- change the load recorded). Whole transactions: a transaction's distinct count in a summary row
-- changes only with all its lines in view (refresh_moved_cells.sql). Whether each moved, and
-- whether the difference is exact, is decided from them and the rows the summaries hold
-- (refresh_moved_days.sql).
CREATE TEMP TABLE dashboard_changed_lines ON
COMMIT
DROP AS
WITH
  changed_customers AS (
    SELECT DISTINCT
      customer_id
    FROM
      warehouse.customer_changes
    WHERE
      run_id = $1
  ),
  changed_products AS (
    SELECT DISTINCT
      product_id
    FROM
      warehouse.product_changes
    WHERE
      run_id = $1
  ) {{lines}}
