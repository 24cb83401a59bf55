-- The customers the load the summaries do not reflect yet changed (their change log of the newest
-- load, unless refresh_state names it: refresh_plan.sql's new_load_run_id, read here so that the
-- files take no parameter). Spliced into refresh_next_customers.sql and refresh_next_places.sql as
-- the body of their CTE touched, so that both compare the same customers.
SELECT DISTINCT
  l.customer_id
FROM
  warehouse.customer_changes l
WHERE
  l.run_id = (
    SELECT
      w.run_id
    FROM
      ops.warehouse_loads w
    ORDER BY
      w.loaded_at DESC,
      w.run_id DESC
    LIMIT
      1
  )
  AND l.run_id IS DISTINCT FROM (
    SELECT
      s.load_run_id
    FROM
      dashboard.refresh_state s
  )
