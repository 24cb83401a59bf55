-- Cheap parallel tuple transfer ($1 'on') around sales_lines_bulk.sql, the session's own cost again
-- after it ($1 'off'), for the rest of the transaction. Its CREATE TABLE AS joins all of
-- production's order lines to their orders, which two workers share, but at the default cost of
-- 0.1 per row gathered the planner keeps its 2.5M rows in one process: 8.4 s against 6.1 s with
-- two workers (1M orders, mean of three back-to-back runs each on a loaded machine).
SELECT
  set_config(
    'parallel_tuple_cost',
    CASE
      WHEN $1::text = 'on' THEN '0.01'
      ELSE (
        SELECT
          reset_val
        FROM
          pg_settings
        WHERE
          name = 'parallel_tuple_cost'
      )
    END,
    true
  ) AS parallel_tuple_cost
