-- The day summaries of the days kept by difference (refresh_moved_days.sql), brought up to date
-- by the transactions that moved (dashboard_moved_lines: every line of each, as it was and as it
-- is): in customer_days, sales_cells, discount_cells and product_days their contribution as they
-- were taken off and as they are added, per row. Sums are exact, and so are the distinct
-- transaction counts: a row counts each transaction with a line in it once, and transactions are
-- disjoint, so the count is a sum over transactions, which whole transactions change exactly (a
-- transaction with one line moved to another category still counts in the old one through its
-- other lines). A row left without lines (transactions) goes, a new key comes in: the rows a
-- rebuild of those days writes. The customer_days and product_days contributions are kept as
-- deleted (old) and written (new) rows, from which the coarser summaries take their difference
-- as from the deleted and rebuilt rows of the days rebuilt whole.
-- Each moved line twice: as it was, negated, and as it is.
CREATE TEMP TABLE dashboard_moved_sides ON
COMMIT
DROP AS
SELECT
  l.date_key,
  l.old_category_id AS category_id,
  l.old_geo_id AS geo_id,
  -1 AS sign,
  l.payment_method_key,
  l.customer_no,
  l.product_no,
  l.transaction_id,
  l.discount_band,
  l.quantity,
  l.gross_cents,
  l.revenue_cents,
  l.old_profit_cents AS profit_cents,
  l.discount_cents,
  l.discount_pct_cents
FROM
  pg_temp.dashboard_moved_lines l
UNION ALL
SELECT
  l.date_key,
  l.category_id,
  l.geo_id,
  1,
  l.payment_method_key,
  l.customer_no,
  l.product_no,
  l.transaction_id,
  l.discount_band,
  l.quantity,
  l.gross_cents,
  l.revenue_cents,
  l.profit_cents,
  l.discount_cents,
  l.discount_pct_cents
FROM
  pg_temp.dashboard_moved_lines l;

-- customer_days' contributions of the moved lines, per side: the old ones as deleted rows, the
-- new ones as written rows (the coarser customer summaries add new minus old).
CREATE TEMP TABLE dashboard_customer_days_sides ON
COMMIT
DROP AS
SELECT
  s.sign,
  coalesce(s.category_id, 0)::smallint AS category_id,
  s.date_key,
  s.customer_no,
  s.geo_id,
  s.payment_method_key,
  count(DISTINCT s.transaction_id)::integer AS transactions,
  ops.sum_bigint (s.revenue_cents) AS revenue_cents
FROM
  pg_temp.dashboard_moved_sides s
WHERE
  s.customer_no IS NOT NULL
GROUP BY
  GROUPING SETS (
    (s.sign, s.date_key, s.customer_no, s.geo_id, s.payment_method_key, s.category_id),
    (s.sign, s.date_key, s.customer_no, s.geo_id, s.payment_method_key)
  );

INSERT INTO
  pg_temp.dashboard_old_customer_days
SELECT
  category_id,
  date_key,
  customer_no,
  geo_id,
  payment_method_key,
  transactions,
  revenue_cents
FROM
  pg_temp.dashboard_customer_days_sides
WHERE
  sign < 0;

INSERT INTO
  pg_temp.dashboard_new_customer_days
SELECT
  category_id,
  date_key,
  customer_no,
  geo_id,
  payment_method_key,
  transactions,
  revenue_cents
FROM
  pg_temp.dashboard_customer_days_sides
WHERE
  sign > 0;

CREATE TEMP TABLE dashboard_customer_days_delta ON
COMMIT
DROP AS
SELECT
  category_id,
  date_key,
  customer_no,
  geo_id,
  payment_method_key,
  sum(sign * transactions)::integer AS transactions,
  sum(sign * revenue_cents)::bigint AS revenue_cents
FROM
  pg_temp.dashboard_customer_days_sides
GROUP BY
  category_id,
  date_key,
  customer_no,
  geo_id,
  payment_method_key
HAVING
  sum(sign * transactions) <> 0
  OR sum(sign * revenue_cents) <> 0;

CREATE TEMP TABLE dashboard_sales_cells_delta ON
COMMIT
DROP AS
SELECT
  d.category_id,
  d.date_key,
  d.geo_id,
  d.payment_method_key,
  sum(d.sign * d.transactions)::integer AS transactions,
  sum(d.sign * d.lines)::integer AS lines,
  sum(d.sign * d.quantity)::bigint AS quantity,
  sum(d.sign * d.revenue_cents)::bigint AS revenue_cents,
  sum(d.sign * d.profit_cents)::bigint AS profit_cents,
  sum(d.sign * d.discount_cents)::bigint AS discount_cents
FROM
  (
    SELECT
      coalesce(s.category_id, 0) AS category_id,
      s.date_key,
      s.geo_id,
      s.payment_method_key,
      s.sign,
      count(DISTINCT s.transaction_id) AS transactions,
      count(*) AS lines,
      sum(s.quantity) AS quantity,
      ops.sum_bigint (s.revenue_cents) AS revenue_cents,
      ops.sum_bigint (s.profit_cents) AS profit_cents,
      ops.sum_bigint (s.discount_cents) AS discount_cents
    FROM
      pg_temp.dashboard_moved_sides s
    GROUP BY
      GROUPING SETS (
        (s.date_key, s.geo_id, s.payment_method_key, s.sign, s.category_id),
        (s.date_key, s.geo_id, s.payment_method_key, s.sign)
      )
  ) AS d
GROUP BY
  d.category_id,
  d.date_key,
  d.geo_id,
  d.payment_method_key
HAVING
  sum(d.sign * d.lines) <> 0
  OR sum(d.sign * d.transactions) <> 0
  OR sum(d.sign * d.quantity) <> 0
  OR sum(d.sign * d.revenue_cents) <> 0
  OR sum(d.sign * d.profit_cents) <> 0
  OR sum(d.sign * d.discount_cents) <> 0;

CREATE TEMP TABLE dashboard_discount_cells_delta ON
COMMIT
DROP AS
SELECT
  d.category_id,
  d.date_key,
  d.geo_id,
  d.payment_method_key,
  d.discount_band,
  sum(d.sign * d.transactions)::integer AS transactions,
  sum(d.sign * d.lines)::integer AS lines,
  sum(d.sign * d.quantity)::bigint AS quantity,
  sum(d.sign * d.gross_cents)::bigint AS gross_cents,
  sum(d.sign * d.revenue_cents)::bigint AS revenue_cents,
  sum(d.sign * d.profit_cents)::bigint AS profit_cents,
  sum(d.sign * d.discount_cents)::bigint AS discount_cents,
  sum(d.sign * d.discount_pct_cents)::bigint AS discount_pct_cents
FROM
  (
    SELECT
      coalesce(s.category_id, 0) AS category_id,
      s.date_key,
      s.geo_id,
      s.payment_method_key,
      s.discount_band,
      s.sign,
      count(DISTINCT s.transaction_id) AS transactions,
      count(*) AS lines,
      sum(s.quantity) AS quantity,
      ops.sum_bigint (s.gross_cents) AS gross_cents,
      ops.sum_bigint (s.revenue_cents) AS revenue_cents,
      ops.sum_bigint (s.profit_cents) AS profit_cents,
      ops.sum_bigint (s.discount_cents) AS discount_cents,
      ops.sum_bigint (s.discount_pct_cents) AS discount_pct_cents
    FROM
      pg_temp.dashboard_moved_sides s
    GROUP BY
      GROUPING SETS (
        (s.date_key, s.geo_id, s.payment_method_key, s.discount_band, s.sign, s.category_id),
        (s.date_key, s.geo_id, s.payment_method_key, s.discount_band, s.sign)
      )
  ) AS d
GROUP BY
  d.category_id,
  d.date_key,
  d.geo_id,
  d.payment_method_key,
  d.discount_band
HAVING
  sum(d.sign * d.lines) <> 0
  OR sum(d.sign * d.transactions) <> 0
  OR sum(d.sign * d.quantity) <> 0
  OR sum(d.sign * d.gross_cents) <> 0
  OR sum(d.sign * d.revenue_cents) <> 0
  OR sum(d.sign * d.profit_cents) <> 0
  OR sum(d.sign * d.discount_cents) <> 0
  OR sum(d.sign * d.discount_pct_cents) <> 0;

-- product_days' contributions of the moved lines, per side: the old ones as deleted rows, the new
-- ones as written rows (refresh_product_months_touched.sql adds new minus old).
CREATE TEMP TABLE dashboard_product_days_sides ON
COMMIT
DROP AS
SELECT
  s.sign,
  s.date_key,
  s.product_no,
  s.category_id,
  s.geo_id,
  s.payment_method_key,
  count(DISTINCT s.transaction_id)::integer AS transactions,
  sum(s.quantity)::bigint AS quantity,
  ops.sum_bigint (s.revenue_cents) AS revenue_cents,
  ops.sum_bigint (s.profit_cents) AS profit_cents,
  ops.sum_bigint (s.discount_cents) AS discount_cents
FROM
  pg_temp.dashboard_moved_sides s
WHERE
  s.product_no IS NOT NULL
GROUP BY
  s.sign,
  s.date_key,
  s.product_no,
  s.category_id,
  s.geo_id,
  s.payment_method_key;

INSERT INTO
  pg_temp.dashboard_old_product_days
SELECT
  date_key,
  product_no,
  category_id,
  geo_id,
  payment_method_key,
  transactions,
  quantity,
  revenue_cents,
  profit_cents,
  discount_cents
FROM
  pg_temp.dashboard_product_days_sides
WHERE
  sign < 0;

INSERT INTO
  pg_temp.dashboard_new_product_days
SELECT
  date_key,
  product_no,
  category_id,
  geo_id,
  payment_method_key,
  transactions,
  quantity,
  revenue_cents,
  profit_cents,
  discount_cents
FROM
  pg_temp.dashboard_product_days_sides
WHERE
  sign > 0;

CREATE TEMP TABLE dashboard_product_days_delta ON
COMMIT
DROP AS
SELECT
  date_key,
  product_no,
  category_id,
  geo_id,
  payment_method_key,
  sum(sign * transactions)::integer AS transactions,
  sum(sign * quantity)::bigint AS quantity,
  sum(sign * revenue_cents)::bigint AS revenue_cents,
  sum(sign * profit_cents)::bigint AS profit_cents,
  sum(sign * discount_cents)::bigint AS discount_cents
FROM
  pg_temp.dashboard_product_days_sides
GROUP BY
  date_key,
  product_no,
  category_id,
  geo_id,
  payment_method_key
HAVING
  sum(sign * transactions) <> 0
  OR sum(sign * quantity) <> 0
  OR sum(sign * revenue_cents) <> 0
  OR sum(sign * profit_cents) <> 0
  OR sum(sign * discount_cents) <> 0;

ANALYZE pg_temp.dashboard_customer_days_delta,
pg_temp.dashboard_sales_cells_delta,
pg_temp.dashboard_discount_cells_delta,
pg_temp.dashboard_product_days_delta;

-- A row exists exactly when it counts a line (sales_cells, discount_cells) or a transaction
-- (customer_days, product_days): one that drops to none goes. The day and category are index
-- conditions (= ANY of arrays: joined alone, the planner read every row). customer_days and
-- product_days have no index on their whole key: their rows of the days are hashed once, where a
-- nested loop read a day's ~5k product_days rows per changed row (0.35 s CPU at 1M).
SET
  LOCAL enable_nestloop = off;

MERGE INTO dashboard.customer_days c USING pg_temp.dashboard_customer_days_delta d ON c.category_id = d.category_id
AND c.date_key = d.date_key
AND c.customer_no = d.customer_no
AND c.geo_id = d.geo_id
AND c.payment_method_key = d.payment_method_key
AND c.category_id = ANY (
  ARRAY(
    SELECT DISTINCT
      category_id
    FROM
      pg_temp.dashboard_customer_days_delta
  )
)
AND c.date_key = ANY (
  ARRAY(
    SELECT DISTINCT
      date_key
    FROM
      pg_temp.dashboard_customer_days_delta
  )
) WHEN MATCHED
AND c.transactions + d.transactions = 0 THEN DELETE WHEN MATCHED THEN
UPDATE
SET
  transactions = c.transactions + d.transactions,
  revenue_cents = c.revenue_cents + d.revenue_cents WHEN NOT MATCHED THEN INSERT (category_id, date_key, customer_no, geo_id, payment_method_key, transactions, revenue_cents)
VALUES
  (
    d.category_id,
    d.date_key,
    d.customer_no,
    d.geo_id,
    d.payment_method_key,
    d.transactions,
    d.revenue_cents
  );

SET
  LOCAL enable_nestloop TO DEFAULT;

MERGE INTO dashboard.sales_cells s USING pg_temp.dashboard_sales_cells_delta d ON s.category_id = d.category_id
AND s.date_key = d.date_key
AND s.geo_id = d.geo_id
AND s.payment_method_key = d.payment_method_key
AND s.category_id = ANY (
  ARRAY(
    SELECT DISTINCT
      category_id
    FROM
      pg_temp.dashboard_sales_cells_delta
  )
)
AND s.date_key = ANY (
  ARRAY(
    SELECT DISTINCT
      date_key
    FROM
      pg_temp.dashboard_sales_cells_delta
  )
) WHEN MATCHED
AND s.lines + d.lines = 0 THEN DELETE WHEN MATCHED THEN
UPDATE
SET
  transactions = s.transactions + d.transactions,
  lines = s.lines + d.lines,
  quantity = s.quantity + d.quantity,
  revenue_cents = s.revenue_cents + d.revenue_cents,
  profit_cents = s.profit_cents + d.profit_cents,
  discount_cents = s.discount_cents + d.discount_cents WHEN NOT MATCHED THEN INSERT (
    category_id,
    date_key,
    geo_id,
    payment_method_key,
    transactions,
    lines,
    quantity,
    revenue_cents,
    profit_cents,
    discount_cents
  )
VALUES
  (
    d.category_id,
    d.date_key,
    d.geo_id,
    d.payment_method_key,
    d.transactions,
    d.lines,
    d.quantity,
    d.revenue_cents,
    d.profit_cents,
    d.discount_cents
  );

MERGE INTO dashboard.discount_cells s USING pg_temp.dashboard_discount_cells_delta d ON s.category_id = d.category_id
AND s.date_key = d.date_key
AND s.geo_id = d.geo_id
AND s.payment_method_key = d.payment_method_key
AND s.discount_band = d.discount_band
AND s.category_id = ANY (
  ARRAY(
    SELECT DISTINCT
      category_id
    FROM
      pg_temp.dashboard_discount_cells_delta
  )
)
AND s.date_key = ANY (
  ARRAY(
    SELECT DISTINCT
      date_key
    FROM
      pg_temp.dashboard_discount_cells_delta
  )
) WHEN MATCHED
AND s.lines + d.lines = 0 THEN DELETE WHEN MATCHED THEN
UPDATE
SET
  transactions = s.transactions + d.transactions,
  lines = s.lines + d.lines,
  quantity = s.quantity + d.quantity,
  gross_cents = s.gross_cents + d.gross_cents,
  revenue_cents = s.revenue_cents + d.revenue_cents,
  profit_cents = s.profit_cents + d.profit_cents,
  discount_cents = s.discount_cents + d.discount_cents,
  discount_pct_cents = s.discount_pct_cents + d.discount_pct_cents WHEN NOT MATCHED THEN INSERT (
    category_id,
    date_key,
    geo_id,
    payment_method_key,
    discount_band,
    transactions,
    lines,
    quantity,
    gross_cents,
    revenue_cents,
    profit_cents,
    discount_cents,
    discount_pct_cents
  )
VALUES
  (
    d.category_id,
    d.date_key,
    d.geo_id,
    d.payment_method_key,
    d.discount_band,
    d.transactions,
    d.lines,
    d.quantity,
    d.gross_cents,
    d.revenue_cents,
    d.profit_cents,
    d.discount_cents,
    d.discount_pct_cents
  );

SET
  LOCAL enable_nestloop = off;

MERGE INTO dashboard.product_days p USING pg_temp.dashboard_product_days_delta d ON p.date_key = d.date_key
AND p.product_no = d.product_no
AND p.category_id = d.category_id
AND p.geo_id = d.geo_id
AND p.payment_method_key = d.payment_method_key
AND p.date_key = ANY (
  ARRAY(
    SELECT DISTINCT
      date_key
    FROM
      pg_temp.dashboard_product_days_delta
  )
) WHEN MATCHED
AND p.transactions + d.transactions = 0 THEN DELETE WHEN MATCHED THEN
UPDATE
SET
  transactions = p.transactions + d.transactions,
  quantity = p.quantity + d.quantity,
  revenue_cents = p.revenue_cents + d.revenue_cents,
  profit_cents = p.profit_cents + d.profit_cents,
  discount_cents = p.discount_cents + d.discount_cents WHEN NOT MATCHED THEN INSERT (
    date_key,
    product_no,
    category_id,
    geo_id,
    payment_method_key,
    transactions,
    quantity,
    revenue_cents,
    profit_cents,
    discount_cents
  )
VALUES
  (
    d.date_key,
    d.product_no,
    d.category_id,
    d.geo_id,
    d.payment_method_key,
    d.transactions,
    d.quantity,
    d.revenue_cents,
    d.profit_cents,
    d.discount_cents
  );

SET
  LOCAL enable_nestloop TO DEFAULT
