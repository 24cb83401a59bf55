-- Floor of the analytics stage: every grouping the analyses of docs/contract.md section 4 start from,
-- from warehouse.fact_sales in one pass and one statement: per product (top products, category
-- performance, product profitability), per customer (segments, lifetime value, geography), per
-- day (monthly trend, day-of-week pattern), per payment method (payment distribution) and per
-- discount percentage (discount impact), each with the lines, quantity, revenue, profit and
-- discount money the analyses sum. Distinct counts (orders, buyers) are left out: they need a
-- sort or a hash of their own per grouping, so this stays a lower bound. No dashboard summaries,
-- no exports, no stored results.
CREATE TABLE bench_floor.analytics_groupings AS
SELECT
  f.product_key,
  f.customer_key,
  f.date_key,
  f.payment_method_key,
  f.discount_percentage,
  count(*) AS lines,
  sum(f.quantity) AS quantity,
  sum(f.line_total) AS revenue,
  sum(f.profit) AS profit,
  sum(f.discount_amount) AS discount_amount
FROM
  warehouse.fact_sales f
GROUP BY
  GROUPING SETS ((f.product_key), (f.customer_key), (f.date_key), (f.payment_method_key), (f.discount_percentage))
