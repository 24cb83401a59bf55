-- Whether the dashboard's summaries were built and are gone: no refresh is recorded although an
-- analytics stage has succeeded. The summaries and refresh_state are UNLOGGED (migration 0057), so
-- a crash of PostgreSQL empties them together; the next run rebuilds them in full. Before any
-- analytics stage has succeeded the summaries were never built, which is not a loss.
SELECT
  NOT EXISTS (
    SELECT
      1
    FROM
      dashboard.refresh_state
  )
  AND EXISTS (
    SELECT
      1
    FROM
      ops.run_stages
    WHERE
      stage = 'analytics'
      AND status = 'succeeded'
  ) AS lost
