-- Up Migration
-- The discount_impact analysis reads discount_cells (sql/analytics/from_summaries): the sum of
-- the lines' discount percentages, in hundredths, for its average percentage per band.
ALTER TABLE dashboard.discount_cells ADD COLUMN discount_pct_cents bigint NOT NULL DEFAULT 0;

-- The rows already there lack it: the next analytics stage rebuilds every summary
-- (refresh_plan.sql: no summaries of a load yet).
UPDATE dashboard.refresh_state SET load_run_id = NULL;

-- Down Migration
ALTER TABLE dashboard.discount_cells DROP COLUMN discount_pct_cents;
