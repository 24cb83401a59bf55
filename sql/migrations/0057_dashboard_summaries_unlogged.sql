-- Up Migration
-- The dashboard's summaries are derived data: every row is rebuilt from the warehouse by a full
-- refresh (docs/dashboard_guide.md). As logged tables a full refresh wrote them twice, once to
-- the write-ahead log (~1.36 GB at 1M orders, ~206 MB at 100k) and once to the tables, and each
-- lane's commit waited for that log to reach the disk. UNLOGGED, the refresh writes no log: at
-- 1M orders a forced full refresh on lanes took 37.3 / 39.4 s against 41.5 / 46.1 / 41.0 s, at
-- 100k 6.0 / 6.0 / 6.2 s against 7.6 / 7.4 / 6.2 s (alternated on one machine, docs/performance.md).
--
-- The price: PostgreSQL empties UNLOGGED tables after a crash (an immediate stop, a killed
-- server, a power cut) and never copies their rows to a standby or into a base backup.
-- refresh_state is UNLOGGED with them, so a crash empties the record of which load the summaries
-- reflect together with the summaries: the next run finds "no summaries of a load yet"
-- (refresh_plan.sql) and rebuilds them in full, and until then the dashboard's badge says they
-- were lost (summaries_lost.sql). A clean stop or restart keeps them.
-- The tables the full refresh builds in dashboard_next are created UNLOGGED too
-- (refresh_next_prepare.sql), so the swap keeps this. SET UNLOGGED rewrites each table once: 16 s
-- for the 1 GB of summaries of a 1M-order database.
ALTER TABLE dashboard.refresh_state SET UNLOGGED;
ALTER TABLE dashboard.categories SET UNLOGGED;
ALTER TABLE dashboard.places SET UNLOGGED;
ALTER TABLE dashboard.products SET UNLOGGED;
ALTER TABLE dashboard.customers SET UNLOGGED;
ALTER TABLE dashboard.sales_cells SET UNLOGGED;
ALTER TABLE dashboard.customer_days SET UNLOGGED;
ALTER TABLE dashboard.product_days SET UNLOGGED;
ALTER TABLE dashboard.discount_cells SET UNLOGGED;
ALTER TABLE dashboard.customer_firsts SET UNLOGGED;
ALTER TABLE dashboard.customer_months SET UNLOGGED;
ALTER TABLE dashboard.customer_years SET UNLOGGED;
ALTER TABLE dashboard.sales_months SET UNLOGGED;
ALTER TABLE dashboard.product_months SET UNLOGGED;
ALTER TABLE dashboard.product_years SET UNLOGGED;
ALTER TABLE dashboard.customer_year_months SET UNLOGGED;
ALTER TABLE dashboard.return_days SET UNLOGGED;

-- Down Migration
ALTER TABLE dashboard.refresh_state SET LOGGED;
ALTER TABLE dashboard.categories SET LOGGED;
ALTER TABLE dashboard.places SET LOGGED;
ALTER TABLE dashboard.products SET LOGGED;
ALTER TABLE dashboard.customers SET LOGGED;
ALTER TABLE dashboard.sales_cells SET LOGGED;
ALTER TABLE dashboard.customer_days SET LOGGED;
ALTER TABLE dashboard.product_days SET LOGGED;
ALTER TABLE dashboard.discount_cells SET LOGGED;
ALTER TABLE dashboard.customer_firsts SET LOGGED;
ALTER TABLE dashboard.customer_months SET LOGGED;
ALTER TABLE dashboard.customer_years SET LOGGED;
ALTER TABLE dashboard.sales_months SET LOGGED;
ALTER TABLE dashboard.product_months SET LOGGED;
ALTER TABLE dashboard.product_years SET LOGGED;
ALTER TABLE dashboard.customer_year_months SET LOGGED;
ALTER TABLE dashboard.return_days SET LOGGED;
