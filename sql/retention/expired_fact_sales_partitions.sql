-- Monthly partitions of warehouse.fact_sales whose whole range lies before the date key $1 (the
-- first day of the oldest month kept), with their row counts. The default partition has no
-- bounds and is never listed.
WITH
  partitions AS (
    SELECT
      c.relname AS partition_name,
      b[1]::int AS from_key,
      b[2]::int AS to_key
    FROM
      pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      CROSS JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \((\d+)\) TO \((\d+)\)') AS b
    WHERE
      i.inhparent = 'warehouse.fact_sales'::regclass
  )
SELECT
  p.partition_name,
  p.from_key,
  p.to_key,
  (
    SELECT
      count(*)
    FROM
      warehouse.fact_sales f
    WHERE
      f.date_key >= p.from_key
      AND f.date_key < p.to_key
  )::bigint AS row_count
FROM
  partitions p
WHERE
  p.to_key <= $1
ORDER BY
  p.from_key
