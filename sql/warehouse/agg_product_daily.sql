-- agg_product_daily: per product version and day, the partial sums agg_product_performance.sql
-- adds up (migration 0024), recomputed from fact_sales for the (product version, day) pairs this
-- load touched (pg_temp.warehouse_touched), or for all when $1 (rebuild, bulk load) is true, so the
-- table always equals a full recompute. A one-day delta recomputes about one day per product
-- instead of every fact of every product it sold (the whole table at 500 products).
-- Unchanged rows are not rewritten; a pair left without facts loses its row.
WITH
  touched AS (
    SELECT DISTINCT
      product_key,
      date_key
    FROM
      pg_temp.warehouse_touched
    WHERE
      NOT $1::boolean
      AND product_key IS NOT NULL
      AND date_key IS NOT NULL
  ),
  fresh AS (
    -- agg_product_daily_fresh.sql
    SELECT
      *
    FROM
      pg_temp.warehouse_product_daily_fresh
  ),
  gone AS (
    -- The touched pairs left without facts: the only rows the DELETE can remove. Probed alone,
    -- a few dozen pairs in a delta, where all ~600 touched pairs each cost an index descent per
    -- combination of the two arrays.
    SELECT
      product_key,
      date_key
    FROM
      touched
    EXCEPT
    SELECT
      product_key,
      date_key
    FROM
      fresh
  ),
  emptied AS (
    DELETE FROM warehouse.agg_product_daily a
    -- = ANY of arrays: an index condition on the primary key, where the pairs alone were a hashed
    -- filter over every row of the table.
    WHERE
      (
        $1::boolean
        OR (
          a.product_key = ANY (
            ARRAY(
              SELECT
                product_key
              FROM
                gone
            )
          )
          AND a.date_key = ANY (
            ARRAY(
              SELECT
                date_key
              FROM
                gone
            )
          )
          AND (a.product_key, a.date_key) IN (
            SELECT
              product_key,
              date_key
            FROM
              gone
          )
        )
      )
      AND NOT EXISTS (
        SELECT
          1
        FROM
          fresh
        WHERE
          fresh.product_key = a.product_key
          AND fresh.date_key = a.date_key
      )
  )
INSERT INTO
  warehouse.agg_product_daily AS a (product_key, date_key, quantity, transactions, revenue, profit, discount_percentage_sum, lines)
SELECT
  product_key,
  date_key,
  quantity,
  transactions,
  revenue,
  profit,
  discount_percentage_sum,
  lines
FROM
  fresh
ORDER BY
  product_key,
  date_key
ON CONFLICT (product_key, date_key) DO UPDATE
SET
  quantity = EXCLUDED.quantity,
  transactions = EXCLUDED.transactions,
  revenue = EXCLUDED.revenue,
  profit = EXCLUDED.profit,
  discount_percentage_sum = EXCLUDED.discount_percentage_sum,
  lines = EXCLUDED.lines
WHERE
  (a.quantity, a.transactions, a.revenue, a.profit, a.discount_percentage_sum, a.lines) IS DISTINCT FROM (
    EXCLUDED.quantity,
    EXCLUDED.transactions,
    EXCLUDED.revenue,
    EXCLUDED.profit,
    EXCLUDED.discount_percentage_sum,
    EXCLUDED.lines
  )
