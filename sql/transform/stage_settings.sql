-- Settings for the rest of the transform's transaction (set_config(..., true) is SET LOCAL).
-- jit off: every statement runs once per run, so compiling never pays. work_mem: the window
-- sorts and the materialised CTEs of a 250k-line entity spill to disk at the 4MB default; 64MB
-- keeps them in memory, and the transaction runs one statement at a time.
SELECT set_config('jit', 'off', true) AS jit, set_config('work_mem', '64MB', true) AS work_mem
