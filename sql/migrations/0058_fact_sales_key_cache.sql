-- Up Migration
-- fact_sales' sales_key draws its values 1,000 at a time into the drawing session's memory instead
-- of one at a time from the sequence's page: a first load of 1M orders draws 2.5M keys inside the
-- facts' INSERT, which PostgreSQL runs on one core, and each draw locked the sequence's buffer
-- (and every 32nd wrote to the log). 2.5M nextval() alone: 0.69-0.88 s at CACHE 1, 0.40 s at
-- CACHE 1000, 0.23 s for the rows without a draw; the facts' INSERT on a 1M-order clone, three
-- rounds alternated: 5.41-5.43 s at CACHE 1, 5.09-5.24 s at CACHE 1000 (docs/performance.md).
-- Keys stay those of one clean run: only the warehouse load draws them, one load at a time under
-- the load lock, and each load first sets the sequence just past the highest key held
-- (identity_resume.sql), which also empties that session's cache (setval forgets a session's
-- cached values, as TRUNCATE ... RESTART IDENTITY does). A session's unused cached values are
-- never drawn: its next load sets the sequence again first.
ALTER TABLE warehouse.fact_sales
ALTER COLUMN sales_key
SET
  CACHE 1000;

-- Down Migration
ALTER TABLE warehouse.fact_sales
ALTER COLUMN sales_key
SET
  CACHE 1;
