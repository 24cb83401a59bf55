-- Records run $1's load in the ledger, in the stage's transaction: the watermarks the next load
-- starts from. A second load of the same run keeps the first record (it reused its window), but
-- adds the days it touched, if any (it writes only rows that differ, so normally none).
-- $2 mode, $3 as-of date, $4..$11 the (from, to] windows of customers, products, transactions,
-- items; $12 customer changes, $13 product changes, $14 order lines read; $15 true for a bulk
-- load, whose facts are not listed in pg_temp.warehouse_touched: its touched_days stay NULL
-- (unknown; the dashboard's refresh then finds the load's facts by last_run_id). The touched days
-- include those of the returns the load wrote (pg_temp.warehouse_return_days, load_returns.sql).
INSERT INTO
  ops.warehouse_loads AS w (
    run_id,
    mode,
    as_of_date,
    customers_from,
    customers_to,
    products_from,
    products_to,
    transactions_from,
    transactions_to,
    items_from,
    items_to,
    customer_changes,
    product_changes,
    lines,
    touched_days
  )
VALUES
  (
    $1,
    $2,
    $3,
    $4,
    $5,
    $6,
    $7,
    $8,
    $9,
    $10,
    $11,
    $12,
    $13,
    $14,
    CASE
      WHEN NOT $15::boolean THEN ARRAY(
        SELECT DISTINCT
          date_key
        FROM
          pg_temp.warehouse_touched
        WHERE
          date_key IS NOT NULL
        UNION
        SELECT
          date_key
        FROM
          pg_temp.warehouse_return_days
        ORDER BY
          1
      )
    END
  )
ON CONFLICT (run_id) DO UPDATE
SET
  touched_days = CASE
    WHEN EXCLUDED.touched_days IS NOT NULL THEN ARRAY(
      SELECT DISTINCT
        d
      FROM
        unnest(w.touched_days || EXCLUDED.touched_days) AS d
      ORDER BY
        1
    )
  END
WHERE
  w.touched_days IS NOT NULL
  AND (
    EXCLUDED.touched_days IS NULL
    OR NOT w.touched_days @> EXCLUDED.touched_days
  )
