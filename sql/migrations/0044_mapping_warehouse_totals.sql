-- Up Migration
-- The warehouse side of a mapped run's control totals (docs/mappings.md "Control totals"), kept
-- in its record when the warehouse stage loads the run: it is computed from the run's staging
-- rows, which retention deletes after retention.stagingDays, while the run and its report stay
-- (retention.runsDays). NULL for runs loaded before this column: the report then reads staging.
ALTER TABLE ops.mapping_runs ADD COLUMN warehouse_totals jsonb;

-- Down Migration
ALTER TABLE ops.mapping_runs DROP COLUMN warehouse_totals;
