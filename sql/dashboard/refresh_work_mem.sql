-- The refresh groups millions of lines; the default work_mem makes every grouping spill to disk,
-- and a full refresh builds its indexes after the rows (maintenance_work_mem). Its statements run
-- once each, so JIT compilation never pays back. Local to the analytics stage's transaction.
-- 512MB: at 1M orders each sort of the 2.5M coded lines or the 3M customer days (230-410 MB
-- in memory, customer_days' two sorts ~720 MB at once) stays in memory, where 256MB spilled them
-- to disk: ~6 % less backend CPU for the whole full refresh (47.0 / 50.0 -> 45.2 / 44.1 CPU-s,
-- every statement lower; 1M-order clone, alternated; docs/performance.md).
SET
  LOCAL work_mem = '512MB';

-- maintenance_work_mem: the summaries' index builds (refresh_next_finish.sql, one process each)
-- sort in runs of 8MB, which stay in the CPU's caches, and merge them; at 256MB each build sorted
-- all its entries in memory newly taken from the OS: the ten builds of a 1M-order refresh
-- 10.3-10.5 -> 6.2-6.4 CPU-s, every one lower (docs/performance.md).
SET
  LOCAL maintenance_work_mem = '8MB';

SET
  LOCAL jit = off
