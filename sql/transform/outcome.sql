-- The one row each of customers.sql, products.sql, transactions.sql and transaction_items.sql
-- returns (spliced into its outcome placeholder; EntityOutcome in production.repository.ts reads
-- it): every staged line counted once, in `decided`, as loaded (no reason_code) or quarantined, and the quarantined lines
-- per reason. The statement's CTEs `decided` and `quarantined` are what it reads.
-- Rows in and out from one reading of `decided`: where it is inlined (the order tables), each
-- reading is a scan of the run's lines and a join with their orders' verdicts, and a second count
-- was a second such scan (~0.5 s of the order lines' statement at 1M orders).
SELECT
  counted.rows_in,
  counted.rows_out,
  (
    SELECT
      count(*)
    FROM
      quarantined
  ) AS rows_rejected,
  (
    SELECT
      coalesce(jsonb_object_agg(reason_code, n), '{}'::jsonb)
    FROM
      (
        SELECT
          reason_code,
          count(*) AS n
        FROM
          quarantined
        GROUP BY
          reason_code
      ) r
  ) AS by_reason
FROM
  (
    SELECT
      count(*) AS rows_in,
      count(*) FILTER (
        WHERE
          reason_code IS NULL
      ) AS rows_out
    FROM
      decided
  ) counted
