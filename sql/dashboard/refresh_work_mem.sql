-- The refresh groups millions of lines; the default work_mem makes every grouping spill to disk.
-- Local to the analytics stage's transaction.
SET LOCAL work_mem = '256MB'
