-- Up Migration
-- customer_segment (customer_segments.sql) depends on each customer's totals over all of its
-- versions and on two bounds over all buying customers: the latest sale date and the smallest
-- spend in the top 10%. Every load re-derived the totals of every customer (a join of
-- agg_customer_metrics with dim_customers grouped by customer_id, ~0.5 s of a one-day delta at
-- 1M orders) to re-evaluate every segment. These totals, kept per customer_id by the warehouse
-- stage for the customers it touched (customer_totals.sql), and the bounds read from them through
-- their indexes let a load re-evaluate only the customers whose inputs changed: the touched ones
-- and those a moved bound crosses.
CREATE TABLE warehouse.customer_totals (
  customer_id         text PRIMARY KEY,
  orders              bigint NOT NULL,
  spent               numeric NOT NULL,
  first_purchase_date date NOT NULL,
  last_purchase_date  date NOT NULL
);

INSERT INTO warehouse.customer_totals (customer_id, orders, spent, first_purchase_date, last_purchase_date)
SELECT c.customer_id, sum(a.total_transactions), sum(a.total_spent), min(a.first_purchase_date), max(a.last_purchase_date)
  FROM warehouse.agg_customer_metrics a
  JOIN warehouse.dim_customers c ON c.customer_key = a.customer_key
 WHERE c.customer_key <> -1
 GROUP BY c.customer_id;

CREATE INDEX customer_totals_spent_idx ON warehouse.customer_totals (spent);
CREATE INDEX customer_totals_first_idx ON warehouse.customer_totals (first_purchase_date);
CREATE INDEX customer_totals_last_idx ON warehouse.customer_totals (last_purchase_date);

-- The segments' bounds over all buying customers:
--   latest_sale_date = the latest purchase of any customer;
--   vip_min_spent    = the smallest total spent whose cume_dist() over all buyers' totals exceeds
--                      0.9: cume_dist of a total s is (buyers with a total <= s) / buyers, in
--                      float8, so a buyer is in the top 10% exactly when s >= the k-th smallest
--                      total, k the least rank with k::float8 / buyers > 0.9 (read from the top
--                      through the spent index: buyers - k rows, ~10% of them).
-- One definition for the bounds a load starts from and those it ends with (customer_segments.sql).
CREATE VIEW warehouse.customer_segment_bounds AS
WITH n AS (
  SELECT count(*) AS buyers, max(last_purchase_date) AS latest_sale_date FROM warehouse.customer_totals
),
k AS (
  SELECT n.*,
         (SELECT min(j) FROM generate_series(greatest(floor(0.9 * n.buyers)::bigint - 1, 1), floor(0.9 * n.buyers)::bigint + 2) AS j
           WHERE j::float8 / nullif(n.buyers, 0) > 0.9) AS k
    FROM n
)
SELECT k.buyers, k.latest_sale_date,
       (SELECT t.spent FROM warehouse.customer_totals t ORDER BY t.spent DESC OFFSET k.buyers - k.k LIMIT 1) AS vip_min_spent
  FROM k;

-- Down Migration
DROP VIEW warehouse.customer_segment_bounds;
DROP TABLE warehouse.customer_totals;
