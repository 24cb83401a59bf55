-- Up Migration
-- Per-run typed copies of the staged rows (libs/pipeline typed-tables.ts, sql/quality/typed/):
-- staging is all text, and the validator's checks, its profile and the transformer each parsed the
-- same values again (~4 parses of every number per run). The validate stage builds one UNLOGGED
-- table per entity and run here, every value trimmed and parsed once; the transform drops them
-- when it commits. Derived data only: losing it (a crash, UNLOGGED after a restart) costs a rebuild.
CREATE SCHEMA IF NOT EXISTS typed;

-- Down Migration
DROP SCHEMA IF EXISTS typed CASCADE;
