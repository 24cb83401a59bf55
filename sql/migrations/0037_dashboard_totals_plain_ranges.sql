-- Up Migration
-- customer_totals back on dashboard.customer_sales (0015's body). Over customer_sales_net (0029)
-- the planner spent ~430 ms per request on a quiet machine planning the inlined range_net_parts
-- (its LATERAL columns substituted into each other before they fold), more than the rows it saved:
-- `npm run bench:dashboard` at 1M, p50 spending-segments 83 -> 310 ms. EXPLAIN ANALYZE of a
-- prepared statement, which measured 0029, leaves planning out. customer_sales_net and
-- range_net_parts stay for a form that plans cheaply.
CREATE OR REPLACE FUNCTION dashboard.customer_totals(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text)
RETURNS TABLE (customer_no int, spent_cents numeric, orders bigint)
LANGUAGE sql STABLE AS $$
  SELECT s.customer_no, sum(s.revenue_cents), sum(s.transactions)
    FROM dashboard.customer_sales(p_from, p_to, p_category, p_country, p_state, p_payment, false) AS s
   GROUP BY s.customer_no
$$;

-- Down Migration
CREATE OR REPLACE FUNCTION dashboard.customer_totals(p_from date, p_to date, p_category text, p_country text, p_state text, p_payment text)
RETURNS TABLE (customer_no int, spent_cents numeric, orders bigint)
LANGUAGE sql STABLE AS $$
  SELECT s.customer_no, sum(s.revenue_cents), sum(s.transactions)
    FROM dashboard.customer_sales_net(p_from, p_to, p_category, p_country, p_state, p_payment, false) AS s
   GROUP BY s.customer_no
  HAVING sum(s.transactions) > 0
$$;
