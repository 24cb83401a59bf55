-- Lines of customers not (yet) in the customer dimension have no customer to group by.
-- Written in the table's order (category, day): first category 0 (all categories), then each
-- category, each grouped by sorting lines in exactly that order, so no sort of the 3M summary
-- rows follows (the grouping sets of both in one pass needed one: half the statement's CPU).
-- Each sort leads with one bigint of its first keys (day and customer; category and day):
-- PostgreSQL's sort compares the first key in place and reads the tuple only on a tie, and a
-- category or a day alone ties on most comparisons (6.9 against 10.5 CPU-s for the SELECT with
-- the grouping sets and the sort after, 1M-order clone, back to back; docs/performance.md).
-- The keys are exact: date_key < 2^31 and customer_no > 0; date_key (yyyymmdd) < 10^8.
-- Cents are summed by ops.sum_bigint (migration 0045): a bigint total in place of sum()'s numeric,
-- for every bigint sum of the summaries (full and incremental) and the analyses from them.
SET
  LOCAL enable_hashagg = off;

INSERT INTO
  dashboard.customer_days (category_id, date_key, customer_no, geo_id, payment_method_key, transactions, revenue_cents)
SELECT
  0,
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
  l.date_key::bigint * 4294967296 + l.customer_no,
  l.geo_id,
  l.payment_method_key,
  l.date_key,
  l.customer_no
ORDER BY
  l.date_key::bigint * 4294967296 + l.customer_no,
  l.geo_id,
  l.payment_method_key;

INSERT INTO
  dashboard.customer_days (category_id, date_key, customer_no, geo_id, payment_method_key, transactions, revenue_cents)
SELECT
  l.category_id,
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
  l.category_id * 100000000::bigint + l.date_key,
  l.customer_no,
  l.geo_id,
  l.payment_method_key,
  l.category_id,
  l.date_key
ORDER BY
  l.category_id * 100000000::bigint + l.date_key,
  l.customer_no,
  l.geo_id,
  l.payment_method_key;

SET
  LOCAL enable_hashagg TO DEFAULT
