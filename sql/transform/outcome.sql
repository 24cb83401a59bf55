-- The one row each of customers.sql, products.sql, transactions.sql and transaction_items.sql
-- returns (spliced into its outcome placeholder; EntityOutcome in production.repository.ts reads
-- it): every staged line counted once, in `decided`, as loaded (no reason_code) or quarantined, and the quarantined lines
-- per reason. The statement's CTEs `decided` and `quarantined` are what it reads.
SELECT
  (
    SELECT
      count(*)
    FROM
      decided
  ) AS rows_in,
  (
    SELECT
      count(*)
    FROM
      decided
    WHERE
      reason_code IS NULL
  ) AS rows_out,
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
