-- Columns of refresh_moved_lines.sql's lines (spliced after coded_lines_of_days.sql's own): whether
-- the line's customer or product is one the load changed (its CTEs changed_customers and
-- changed_products).
,
coalesce(
  f.customer_id IN (
    SELECT
      customer_id
    FROM
      changed_customers
  ),
  FALSE
) AS customer_changed,
coalesce(
  f.product_id IN (
    SELECT
      product_id
    FROM
      changed_products
  ),
  FALSE
) AS product_changed
