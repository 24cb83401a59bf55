-- agg_customer_metrics: per customer version (the key facts carry), recomputed from fact_sales for
-- the customer versions this load touched (pg_temp.warehouse_touched), or for all when $1
-- (rebuild) is true, so the table always equals a full recompute.
--   total_transactions = distinct transactions; total_spent = sum of line totals;
--   avg_order_value = total_spent / distinct transactions (an order's value, not a line's).
-- A transaction has one date, so it belongs to one version: summing versions counts it once.
-- Unchanged rows are not rewritten; a version left without facts loses its row.
WITH
  touched AS (
    SELECT DISTINCT
      customer_key
    FROM
      pg_temp.warehouse_touched
    WHERE
      customer_key IS NOT NULL
  ),
  fresh AS (
    -- agg_customer_metrics_fresh.sql
    SELECT
      *
    FROM
      pg_temp.warehouse_customer_metrics_fresh
  ),
  emptied AS (
    DELETE FROM warehouse.agg_customer_metrics a
    -- = ANY of an array: an index condition on the primary key, where IN was a hashed filter
    -- over every row of the table (~100k at 1M orders).
    WHERE
      (
        $1::boolean
        -- Only the touched versions left without facts can lose their row: a few in a delta,
        -- where probing every touched version read ~2,100 rows to delete none or two.
        OR a.customer_key = ANY (
          ARRAY(
            SELECT
              customer_key
            FROM
              touched
            EXCEPT
            SELECT
              customer_key
            FROM
              fresh
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
      )
  ),
  -- Recomputed from their days (agg_customer_metrics_fresh.sql), these versions' rows are their
  -- sums again; a rebuild or a bulk load recomputes every version.
  unlisted AS (
    DELETE FROM warehouse.agg_customer_metrics_stale s
    WHERE
      $1::boolean
      OR s.customer_key IN (
        SELECT
          customer_key
        FROM
          touched
      )
  )
INSERT INTO
  warehouse.agg_customer_metrics AS a (
    customer_key,
    total_transactions,
    total_spent,
    avg_order_value,
    first_purchase_date,
    last_purchase_date
  )
SELECT
  customer_key,
  total_transactions,
  total_spent,
  avg_order_value,
  first_purchase_date,
  last_purchase_date
FROM
  fresh
ORDER BY
  customer_key
ON CONFLICT (customer_key) DO UPDATE
SET
  total_transactions = EXCLUDED.total_transactions,
  total_spent = EXCLUDED.total_spent,
  avg_order_value = EXCLUDED.avg_order_value,
  first_purchase_date = EXCLUDED.first_purchase_date,
  last_purchase_date = EXCLUDED.last_purchase_date
WHERE
  (a.total_transactions, a.total_spent, a.avg_order_value, a.first_purchase_date, a.last_purchase_date) IS DISTINCT FROM (
    EXCLUDED.total_transactions,
    EXCLUDED.total_spent,
    EXCLUDED.avg_order_value,
    EXCLUDED.first_purchase_date,
    EXCLUDED.last_purchase_date
  )
