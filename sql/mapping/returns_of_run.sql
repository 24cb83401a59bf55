-- The warehouse side of a mapped run's returns: fact_returns rows of the lines the run staged,
-- per kind. $1 run id.
SELECT
  f.kind,
  count(*) AS lines,
  coalesce(sum(f.line_total), 0) AS amount
FROM
  warehouse.fact_returns f
WHERE
  f.return_line_id IN (
    SELECT
      return_line_id
    FROM
      staging.returns
    WHERE
      run_id = $1
  )
GROUP BY
  f.kind
