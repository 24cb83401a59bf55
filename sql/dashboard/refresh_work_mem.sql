-- The refresh groups millions of lines; the default work_mem makes every grouping spill to disk,
-- and a full refresh builds its indexes after the rows (maintenance_work_mem). Its statements run
-- once each, so JIT compilation never pays back. Local to the analytics stage's transaction.
SET
  LOCAL work_mem = '256MB';

SET
  LOCAL maintenance_work_mem = '256MB';

SET
  LOCAL jit = off
