-- The refresh groups millions of lines; the default work_mem makes every grouping spill to disk.
-- Its statements run once each, so JIT compilation never pays back. Local to the analytics
-- stage's transaction.
SET LOCAL work_mem = '256MB';
SET LOCAL jit = off
