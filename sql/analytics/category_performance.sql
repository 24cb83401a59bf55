-- Categories as sold: the product version valid on the transaction date carries the category.
-- profit_margin_pct = profit / revenue; orders = distinct transactions with a line in the category.
SELECT p.category,
       count(DISTINCT p.product_id) AS products,
       count(DISTINCT f.transaction_id) AS orders,
       sum(f.quantity) AS units_sold,
       sum(f.line_total) AS revenue,
       sum(f.line_total - f.profit) AS cost,
       sum(f.profit) AS profit,
       round(100 * sum(f.profit) / nullif(sum(f.line_total), 0), 2) AS profit_margin_pct,
       round(100 * sum(f.line_total) / nullif(sum(sum(f.line_total)) OVER (), 0), 2) AS revenue_share_pct
  FROM warehouse.fact_sales f
  JOIN warehouse.dim_products p ON p.product_key = f.product_key
 GROUP BY p.category
 ORDER BY revenue DESC, p.category
