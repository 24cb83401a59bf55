-- agg_customer_daily: per customer version and day, the partial sums agg_customer_metrics.sql adds
-- up and the top customers analysis reads (migration 0033), recomputed from fact_sales for the
-- (customer version, day) pairs this load touched (pg_temp.warehouse_touched), or for all when $1
-- (rebuild, bulk load) is true, so the table always equals a full recompute:
--   transactions = distinct transactions; revenue = sum of line totals; quantity = units;
--   profit = sum of profits (NULL while no fact of the day has one).
-- Unchanged rows are not rewritten; a pair left without facts loses its row.
WITH
  touched AS (
    SELECT DISTINCT
      customer_key,
      date_key
    FROM
      pg_temp.warehouse_touched
    WHERE
      NOT $1::boolean
      AND customer_key IS NOT NULL
      AND date_key IS NOT NULL
  ),
  fresh AS (
    -- agg_customer_daily_fresh.sql
    SELECT
      *
    FROM
      pg_temp.warehouse_customer_daily_fresh
  ),
  gone AS (
    -- The touched pairs left without facts: the only rows the DELETE can remove. Probed alone,
    -- a few dozen pairs in a delta, where the pairs of every touched row (~2,300 for customers)
    -- each cost an index descent per combination of the two arrays.
    SELECT
      customer_key,
      date_key
    FROM
      touched
    EXCEPT
    SELECT
      customer_key,
      date_key
    FROM
      fresh
  ),
  emptied AS (
    DELETE FROM warehouse.agg_customer_daily a
    -- = ANY of arrays: an index condition on the primary key, where the pairs alone were a hashed
    -- filter over every row of the table.
    WHERE
      (
        $1::boolean
        OR (
          a.customer_key = ANY (
            ARRAY(
              SELECT
                customer_key
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
          AND (a.customer_key, a.date_key) IN (
            SELECT
              customer_key,
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
          fresh.customer_key = a.customer_key
          AND fresh.date_key = a.date_key
      )
  )
INSERT INTO
  warehouse.agg_customer_daily AS a (customer_key, date_key, transactions, revenue, quantity, profit)
SELECT
  customer_key,
  date_key,
  transactions,
  revenue,
  quantity,
  profit
FROM
  fresh
ORDER BY
  customer_key,
  date_key
ON CONFLICT (customer_key, date_key) DO UPDATE
SET
  transactions = EXCLUDED.transactions,
  revenue = EXCLUDED.revenue,
  quantity = EXCLUDED.quantity,
  profit = EXCLUDED.profit
WHERE
  (a.transactions, a.revenue, a.quantity, a.profit) IS DISTINCT FROM (EXCLUDED.transactions, EXCLUDED.revenue, EXCLUDED.quantity, EXCLUDED.profit)
