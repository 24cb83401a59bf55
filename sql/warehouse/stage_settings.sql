-- Settings for the rest of the load's transaction (set_config(..., true) is SET LOCAL).
-- jit off: every statement runs once per load, so compiling never pays; on the 250k lines of a
-- first load fact_sales.sql spent ~0.7 s of its ~6 s inlining and optimising JIT code.
-- work_mem: the sorts and hashes of a big load (window sorts, the UNION of changed lines, the
-- hash of fact_sales in the reconciliation) spill to disk at the 4MB default; 64MB keeps a
-- 250k-line load in memory, and the transaction runs one statement at a time.
-- maintenance_work_mem: a bulk load builds fact_sales' indexes after its insert
-- (fact_sales_bulk_end.sql); at 2.5M facts the 64MB default sorts the text keys on disk.
SELECT
  set_config('jit', 'off', true) AS jit,
  set_config('work_mem', '64MB', true) AS work_mem,
  set_config('maintenance_work_mem', '512MB', true) AS maintenance_work_mem
