-- customer_days per customer, month and place over all payment methods, with the customer's
-- first purchase day in the category; first_place marks one row per customer and month.
-- Grouped by sorting the day rows in the table's order (category, month, customer, place), with
-- one bigint of category and month leading (as refresh_customer_days.sql, which says why), and
-- the first purchase day joined to the 1.8M month rows instead of the 3M day rows; the hash join
-- keeps the rows in the order grouped.
-- Exact: month_key (yyyymm) < 10^6.
SET
  LOCAL enable_hashagg = off;

INSERT INTO
  dashboard.customer_months (
    category_id,
    month_key,
    customer_no,
    geo_id,
    first_place,
    transactions,
    revenue_cents,
    first_date_key
  )
SELECT
  m.category_id,
  m.month_key,
  m.customer_no,
  m.geo_id,
  m.first_place,
  m.transactions,
  m.revenue_cents,
  f.first_date_key
FROM
  (
    SELECT
      g.category_id,
      g.month_key,
      g.customer_no,
      g.geo_id,
      g.transactions,
      g.revenue_cents,
      row_number() OVER (
        PARTITION BY
          g.k,
          g.customer_no
        ORDER BY
          g.geo_id
      ) = 1 AS first_place
    FROM
      (
        SELECT
          c.category_id * 1000000::bigint + c.date_key / 100 AS k,
          c.category_id,
          c.date_key / 100 AS month_key,
          c.customer_no,
          c.geo_id,
          sum(c.transactions) AS transactions,
          ops.sum_bigint (c.revenue_cents) AS revenue_cents
        FROM
          dashboard.customer_days c
        GROUP BY
          1,
          c.customer_no,
          c.geo_id,
          c.category_id,
          3
      ) AS g
  ) AS m
  JOIN dashboard.customer_firsts f ON f.category_id = m.category_id
  AND f.customer_no = m.customer_no;

SET
  LOCAL enable_hashagg TO DEFAULT
