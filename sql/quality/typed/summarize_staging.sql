-- Summarises the block ranges of a staging table's BRIN index on run_id ($1, the index) that no
-- summary covers yet: the ones the latest landings filled. autosummarize leaves that to
-- autovacuum, which may be off or behind (it is off on the reference machine), and an unsummarised
-- range matches every run: a one-day delta's typed build then read all of staging (every run ever
-- landed, 2.4 s for 5k order lines on top of two 1M-order runs instead of a few ms). It reads only
-- the unsummarised ranges. Run by the transform beside its own work, for the next runs' builds
-- (summarizeStagingRanges in libs/pipeline typed-tables.ts).
SELECT
  brin_summarize_new_values($1::regclass) AS ranges
