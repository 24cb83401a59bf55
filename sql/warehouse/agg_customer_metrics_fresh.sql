-- The rows agg_customer_metrics.sql writes: for the customer versions this load touched, or for
-- all of them when $1 (a rebuild or a bulk load) is true; agg_customer_metrics.sql says what they
-- mean. The sum of each version's days in agg_customer_daily (agg_customer_daily.sql runs first):
-- a one-day delta touches ~2,100 versions of frequent buyers, whose facts (~250k at 1M orders, in
-- every monthly partition) it read before; their days are a fraction of that, in one index. A
-- CREATE TABLE AS of its own, not a CTE of the upsert: an INSERT never gets parallel workers, this
-- SELECT can. For this transaction only.
CREATE TEMP TABLE warehouse_customer_metrics_fresh ON
COMMIT
DROP AS
WITH
  touched AS (
    SELECT DISTINCT
      customer_key
    FROM
      pg_temp.warehouse_touched
    WHERE
      customer_key IS NOT NULL
  ),
  per_version AS (
    SELECT
      d.customer_key,
      sum(d.transactions)::int AS total_transactions,
      sum(d.revenue) AS total_spent,
      -- date_key orders as its date does
      min(d.date_key) AS first_date_key,
      max(d.date_key) AS last_date_key
    FROM
      warehouse.agg_customer_daily d
      -- = ANY of an array, not IN: the keys become an index condition on the primary key instead of
      -- a hashed filter over every row.
    WHERE
      $1::boolean
      OR d.customer_key = ANY (
        ARRAY(
          SELECT
            customer_key
          FROM
            touched
        )
      )
    GROUP BY
      d.customer_key
  )
SELECT
  v.customer_key,
  v.total_transactions,
  v.total_spent,
  round(v.total_spent / v.total_transactions, 2) AS avg_order_value,
  first_day.full_date AS first_purchase_date,
  last_day.full_date AS last_purchase_date
FROM
  per_version v
  JOIN warehouse.dim_date first_day ON first_day.date_key = v.first_date_key
  JOIN warehouse.dim_date last_day ON last_day.date_key = v.last_date_key
