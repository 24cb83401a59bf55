-- Lines of customers not (yet) in the customer dimension have no customer to group by.
-- Both groupings (all categories as category 0, then each category) from one sort of the lines by
-- day, customer, place and method (grouping sets: each category's group follows the groups of
-- all categories), then written in the order the table is read by, category and day, sorted by
-- that one bigint alone: rows of one category and day in any order. A sort compares its first key
-- in place and reads the tuple only on a tie: day and customer as one bigint leading tie only
-- within a customer's day, and the sort of the 3M rows after has no second key to read. Against
-- two passes each sorting the 2.5M lines in the table's full order (category, day, customer,
-- place, method): 8.7 / 9.4 -> 7.3 / 7.4 CPU-s for the statement, a 1M-order clone, alternated
-- (docs/performance.md). Grouping sets followed by a sort in that full order had cost more
-- (10.5 against 6.9 CPU-s for the SELECT, the two passes).
-- The keys are exact: date_key < 2^31 and customer_no > 0; date_key (yyyymmdd) < 10^8.
-- Cents are summed by ops.sum_bigint (migration 0045): a bigint total in place of sum()'s numeric,
-- for every bigint sum of the summaries (full and incremental) and the analyses from them.
SET
  LOCAL enable_hashagg = off;

INSERT INTO
  dashboard.customer_days (category_id, date_key, customer_no, geo_id, payment_method_key, transactions, revenue_cents)
SELECT
  coalesce(l.category_id, 0),
  l.date_key,
  l.customer_no,
  l.geo_id,
  l.payment_method_key,
  count(DISTINCT l.transaction_id),
  ops.sum_bigint (l.revenue_cents)
FROM
  pg_temp.dashboard_lines l
WHERE
  l.customer_no IS NOT NULL
GROUP BY
  GROUPING SETS (
    (
      l.date_key::bigint * 4294967296 + l.customer_no,
      l.geo_id,
      l.payment_method_key,
      l.date_key,
      l.customer_no,
      l.category_id
    ),
    (
      l.date_key::bigint * 4294967296 + l.customer_no,
      l.geo_id,
      l.payment_method_key,
      l.date_key,
      l.customer_no
    )
  )
ORDER BY
  coalesce(l.category_id, 0) * 100000000::bigint + l.date_key;

SET
  LOCAL enable_hashagg TO DEFAULT
