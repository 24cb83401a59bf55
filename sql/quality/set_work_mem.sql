-- work_mem for the rest of the caller's transaction (set_config(..., true) is SET LOCAL): the
-- uniqueness and relationship checks hash every key of a run (2.6M order lines at 1M orders); at
-- the 4MB default those hashes spill to disk and the checks take several times longer; the 2.6M
-- hashes of unique.sql take ~260MB (hash tables may use hash_mem_multiplier x work_mem).
SELECT
  set_config('work_mem', '192MB', true) AS work_mem
