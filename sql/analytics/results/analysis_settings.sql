-- Local to the analytics stage's transaction. The stage groups millions of fact lines: with the
-- default work_mem every grouping spills to disk. Its statements run once each, so JIT
-- compilation (hundreds of ms per statement) never pays back.
SET
  LOCAL work_mem = '256MB';

SET
  LOCAL jit = off
