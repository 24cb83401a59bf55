-- customer_totals (migration 0035): per customer_id, the sums of agg_customer_metrics over its
-- versions (the unknown member left out), which customer_segments.sql evaluates: orders, total
-- spent, first and last purchase. Recomputed for the customers whose versions or metrics this
-- load touched (pg_temp.warehouse_touched, pg_temp.warehouse_customer_versions), or for all when
-- $1 (a rebuild or a bulk load) is true, so the table always equals a full recompute from
-- agg_customer_metrics (which runs first). Unchanged rows are not rewritten; a customer left
-- without purchases loses its row.
WITH
  ids AS (
    -- = ANY of an array: the keys probe the primary key (joined, the planner hashed every version).
    SELECT
      c.customer_id
    FROM
      warehouse.dim_customers c
    WHERE
      NOT $1::boolean
      AND c.customer_key <> -1
      AND c.customer_key = ANY (
        ARRAY(
          SELECT DISTINCT
            customer_key
          FROM
            pg_temp.warehouse_touched
        )
      )
    UNION
    -- A version removed or split: its key may be gone, its customer is listed here.
    SELECT
      v.customer_id
    FROM
      pg_temp.warehouse_customer_versions v
    WHERE
      NOT $1::boolean
  ),
  fresh AS (
    SELECT
      c.customer_id,
      sum(a.total_transactions) AS orders,
      sum(a.total_spent) AS spent,
      min(a.first_purchase_date) AS first_purchase_date,
      max(a.last_purchase_date) AS last_purchase_date
    FROM
      warehouse.dim_customers c
      JOIN warehouse.agg_customer_metrics a ON a.customer_key = c.customer_key
    WHERE
      c.customer_key <> -1
      -- = ANY of an array: the customer_id index, where IN hashed a scan of every version.
      AND (
        $1::boolean
        OR c.customer_id = ANY (
          ARRAY(
            SELECT
              customer_id
            FROM
              ids
          )
        )
      )
    GROUP BY
      c.customer_id
  ),
  emptied AS (
    DELETE FROM warehouse.customer_totals t
    WHERE
      (
        $1::boolean
        -- Only the customers left without purchases can lose their row (ids less fresh): probing
        -- all ~3,200 ids read ~2,900 rows in a delta to delete none.
        OR t.customer_id = ANY (
          ARRAY(
            SELECT
              customer_id
            FROM
              ids
            EXCEPT
            SELECT
              customer_id
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
          fresh.customer_id = t.customer_id
      )
  )
INSERT INTO
  warehouse.customer_totals AS t (customer_id, orders, spent, first_purchase_date, last_purchase_date)
SELECT
  customer_id,
  orders,
  spent,
  first_purchase_date,
  last_purchase_date
FROM
  fresh
ORDER BY
  customer_id
ON CONFLICT (customer_id) DO UPDATE
SET
  orders = EXCLUDED.orders,
  spent = EXCLUDED.spent,
  first_purchase_date = EXCLUDED.first_purchase_date,
  last_purchase_date = EXCLUDED.last_purchase_date
WHERE
  (t.orders, t.spent, t.first_purchase_date, t.last_purchase_date) IS DISTINCT FROM (EXCLUDED.orders, EXCLUDED.spent, EXCLUDED.first_purchase_date, EXCLUDED.last_purchase_date)
