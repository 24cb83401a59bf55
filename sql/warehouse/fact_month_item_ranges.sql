-- The `fact_months` CTE of sales_lines.sql and of the row-count reconciliation
-- (quality/reconcile_production_warehouse_row_count.sql), which must both skip the same months:
-- each month from the earliest fact's to the latest's with the lowest and highest item_id of its
-- facts (two index descents in its partition). A line whose item_id is outside a month's range has
-- no fact there, so its probe skips that month; every fact is dated in one of them. The
-- placeholder `when` is the statement's condition for reading them at all (sales_lines.sql: a
-- delta; the reconciliation: a delta or a first load, whose lines it may probe one by one), so a
-- rebuild computes no months.
SELECT
  m.lo,
  m.hi,
  x.min_id,
  x.max_id
FROM
  (
    SELECT
      min(date_key) AS lo,
      max(date_key) AS hi
    FROM
      warehouse.fact_sales
    WHERE
      {{when}}
  ) b
  CROSS JOIN LATERAL generate_series(
    date_trunc('month', to_date(b.lo::text, 'YYYYMMDD')),
    to_date(b.hi::text, 'YYYYMMDD'),
    INTERVAL '1 month'
  ) AS g (month)
  CROSS JOIN LATERAL (
    SELECT
      to_char(g.month, 'YYYYMMDD')::integer AS lo,
      to_char(g.month + INTERVAL '1 month', 'YYYYMMDD')::integer AS hi
  ) m
  CROSS JOIN LATERAL (
    SELECT
      min(f.item_id) AS min_id,
      max(f.item_id) AS max_id
    FROM
      warehouse.fact_sales f
    WHERE
      f.date_key >= m.lo
      AND f.date_key < m.hi
  ) x
WHERE
  x.min_id IS NOT NULL
