-- customer_days per year, plus one row per customer and year for all places and methods
-- (geo_id = 0, payment_method_key = 0).
-- Written in the order of the table's index (category, place, year), that order as one bigint
-- (a sort compares the first key in place, refresh_customer_days.sql; exact: year < 10^4,
-- category and place codes smallint). Two passes instead of the grouping sets measured ~40% worse.
-- Grouped by sorting, for this statement: 20 % less CPU than hashing both sets of the 3M day rows and sorting after (7.2 -> 5.6 s, then
-- 6.7 -> 5.3 s on a 1M-order clone, back to back). The day rows are sorted by category, year and
-- customer as one bigint first (exact: category smallint, year < 10^4, 0 < customer_no < 2^31),
-- unique per customer and year, so a comparison reads the tuple only within a customer's year
-- (4.8-5.1 -> 4.5-4.6 CPU-s, 1M-order clone, alternated).
SET
  LOCAL enable_hashagg = off;

INSERT INTO
  dashboard.customer_years (category_id, year, customer_no, geo_id, payment_method_key, transactions, revenue_cents)
SELECT
  c.category_id,
  c.date_key / 10000,
  c.customer_no,
  coalesce(c.geo_id, 0),
  coalesce(c.payment_method_key, 0),
  sum(c.transactions),
  ops.sum_bigint (c.revenue_cents)
FROM
  dashboard.customer_days c
GROUP BY
  GROUPING SETS (
    (
      (c.category_id * 10000 + c.date_key / 10000)::bigint * 2147483648 + c.customer_no,
      c.geo_id,
      c.payment_method_key,
      c.category_id,
      c.date_key / 10000,
      c.customer_no
    ),
    (
      (c.category_id * 10000 + c.date_key / 10000)::bigint * 2147483648 + c.customer_no,
      c.category_id,
      c.date_key / 10000,
      c.customer_no
    )
  )
ORDER BY
  (c.category_id::bigint * 65536 + coalesce(c.geo_id, 0)) * 10000 + c.date_key / 10000;

SET
  LOCAL enable_hashagg TO DEFAULT
