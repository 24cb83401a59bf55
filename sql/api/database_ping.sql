-- Health check: the database answers a query.
SELECT
  1 AS ok
