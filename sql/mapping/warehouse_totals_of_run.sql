-- The warehouse side of a mapped run's control totals (docs/mappings.md "Control totals"): the
-- order lines the run staged, those the transform (or the ingest) rejected with their line
-- totals, and the fact rows of the run's staged order lines. Read from staging: the warehouse stage
-- keeps its row in ops.mapping_runs.warehouse_totals (record_warehouse_totals.sql) for the time
-- after retention has deleted the run's staging rows. $1 run id.
WITH
  staged AS (
    SELECT
      s.item_id,
      s.transaction_id,
      ops.safe_numeric (s.line_total) AS line_total,
      EXISTS (
        SELECT
          1
        FROM
          ops.quarantine q
        WHERE
          q.run_id = s.run_id
          AND q.stage IN ('ingest', 'transform')
          AND q.entity = 'transaction_items'
          AND q.source_file = s.source_file
          AND q.source_line = s.source_line
      ) AS rejected
    FROM
      staging.transaction_items s
    WHERE
      s.run_id = $1
  ),
  facts AS (
    SELECT
      f.transaction_id,
      f.line_total
    FROM
      warehouse.fact_sales f
    WHERE
      f.item_id IN (
        SELECT
          item_id
        FROM
          staged
        WHERE
          NOT rejected
      )
  )
SELECT
  (
    SELECT
      count(*)
    FROM
      staged
  ) AS staged_lines,
  (
    SELECT
      coalesce(sum(line_total), 0)
    FROM
      staged
  ) AS staged_total,
  (
    SELECT
      count(*)
    FROM
      staged
    WHERE
      rejected
  ) AS rejected_lines,
  (
    SELECT
      count(DISTINCT transaction_id)
    FROM
      staged
    WHERE
      rejected
  ) AS rejected_orders,
  (
    SELECT
      coalesce(sum(line_total), 0)
    FROM
      staged
    WHERE
      rejected
  ) AS rejected_total,
  (
    SELECT
      count(*)
    FROM
      facts
  ) AS fact_lines,
  (
    SELECT
      count(DISTINCT transaction_id)
    FROM
      facts
  ) AS fact_orders,
  (
    SELECT
      coalesce(sum(line_total), 0)
    FROM
      facts
  ) AS fact_total
