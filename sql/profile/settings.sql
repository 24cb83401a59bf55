-- Settings for one profile statement's transaction (set_config(..., true) is SET LOCAL). The
-- profile reads whole typed tables (1M orders, 2.5M order lines at 1M orders) once per run:
-- jit off, as compiling never pays for a statement run once; work_mem 64MB so its hashes and sorts
-- of a run's orders stay in memory (at the 4MB default registration.sql sorted 1M orders on disk);
-- merge joins off, because the planner priced sorting 1M orders by customer below hashing 100k
-- customers for registration.sql (1.5 s more CPU at 1M orders).
SELECT
  set_config('jit', 'off', true) AS jit,
  set_config('work_mem', '64MB', true) AS work_mem,
  set_config('enable_mergejoin', 'off', true) AS enable_mergejoin
