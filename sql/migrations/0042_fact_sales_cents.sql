-- Up Migration
-- The fact lines as the dashboard summaries sum them, written once for both builds of their lines
-- (sql/dashboard/refresh_lines.sql: every day; refresh_lines_touched.sql: the touched days): the
-- discount band as in the discount_impact analysis (1 = 0 %, 2 = (0, 10], 3 = (10, 20],
-- 4 = (20, 30], 5 = over 30) and the amounts in whole cents. A plain view: the planner inlines it
-- into each statement, so both keep the plans of the expressions written out (compared with
-- EXPLAIN on a 100k-order warehouse: the same joins, workers and run-time partition pruning).
CREATE VIEW warehouse.fact_sales_cents AS
SELECT f.date_key,
       f.customer_key,
       f.product_key,
       f.payment_method_key,
       f.customer_id,
       f.product_id,
       f.transaction_id,
       CASE
         WHEN f.discount_percentage <= 0 THEN 1
         WHEN f.discount_percentage <= 10 THEN 2
         WHEN f.discount_percentage <= 20 THEN 3
         WHEN f.discount_percentage <= 30 THEN 4
         ELSE 5
       END::smallint                              AS discount_band,
       f.quantity,
       (f.quantity * f.unit_price * 100)::bigint  AS gross_cents,
       (f.line_total * 100)::bigint               AS revenue_cents,
       (coalesce(f.profit, 0) * 100)::bigint      AS profit_cents,
       (f.discount_amount * 100)::bigint          AS discount_cents,
       (f.discount_percentage * 100)::bigint      AS discount_pct_cents
  FROM warehouse.fact_sales f;

-- Down Migration
DROP VIEW warehouse.fact_sales_cents;
