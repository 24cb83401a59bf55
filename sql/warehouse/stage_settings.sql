-- Settings for the rest of the load's transaction (set_config(..., true) is SET LOCAL).
-- jit off: every statement runs once per load, so compiling never pays; on the 250k lines of a
-- first load fact_sales.sql spent ~0.7 s of its ~6 s inlining and optimising JIT code.
-- work_mem: the sorts and hashes of a big load (window sorts, the UNION of changed lines, the
-- hash of fact_sales in the reconciliation) spill to disk at the 4MB default; 64MB keeps a
-- 250k-line load in memory, and the transaction runs one statement at a time.
SELECT set_config('jit', 'off', true) AS jit, set_config('work_mem', '64MB', true) AS work_mem
