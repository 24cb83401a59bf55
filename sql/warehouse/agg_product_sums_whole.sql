-- agg_product_sums (agg_product_sums.sql) written whole by a rebuild or a bulk load: the sums of
-- every product version's fresh daily rows (agg_product_daily_fresh.sql holds them all then).
DELETE FROM warehouse.agg_product_sums;

INSERT INTO
  warehouse.agg_product_sums (product_key, quantity, transactions, revenue, profit, discount_percentage_sum, lines)
SELECT
  product_key,
  sum(quantity),
  sum(transactions),
  sum(revenue),
  coalesce(sum(profit), 0),
  sum(discount_percentage_sum),
  sum(lines)
FROM
  pg_temp.warehouse_product_daily_fresh
GROUP BY
  product_key
