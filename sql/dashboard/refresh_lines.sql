-- Every fact line once, with the integer codes the summaries group by (dropped at commit). The
-- discount band and the cent amounts come from warehouse.fact_sales_cents (migration 0042), the
-- view refresh_lines_touched.sql reads too. A full refresh on lanes codes them once, as the
-- UNLOGGED table dashboard_next.lines both lanes read (nextLinesSql in
-- apps/analytics/src/dashboard-summaries: this statement, its temporary table replaced).
-- Hash joins only, for this statement: every line joins every dimension, but the codes were
-- written in this transaction without statistics, and the planner probed the facts' customer
-- index once per customer and month partition (1.4M probes) and the customer codes' index once
-- per line: 13.4 s against 5.6 s hashed, same clone of a 1M-order warehouse, back to back.
SET
  LOCAL enable_nestloop = off;

SET
  LOCAL enable_mergejoin = off;

CREATE TEMP TABLE dashboard_lines ON
COMMIT
DROP AS
SELECT
  f.date_key,
  cat.category_id,
  g.geo_id,
  f.payment_method_key,
  cu.customer_no,
  pr.product_no,
  f.transaction_id,
  f.discount_band,
  f.quantity,
  f.gross_cents,
  f.revenue_cents,
  f.profit_cents,
  f.discount_cents,
  f.discount_pct_cents
FROM
  warehouse.fact_sales_cents f
  JOIN warehouse.dim_products p ON p.product_key = f.product_key
  JOIN dashboard.categories cat ON cat.category = p.category
  JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
  JOIN dashboard.places g ON g.country = coalesce(c.country, 'Unknown')
  AND g.state = coalesce(c.state, 'Unknown')
  LEFT JOIN dashboard.customers cu ON cu.customer_id = f.customer_id
  LEFT JOIN dashboard.products pr ON pr.product_id = f.product_id;

SET
  LOCAL enable_nestloop TO DEFAULT;

SET
  LOCAL enable_mergejoin TO DEFAULT
