-- Settings for the rest of a typed-table build's transaction (set_config(..., true) is SET LOCAL).
-- jit off: each build runs once per run, so compiling never pays. work_mem: room for the sorts and
-- hashes of a 2.6M-line entity. The builds run in one process each: their plans hold no Gather (with
-- parallel costs set to zero only the staging scan goes to workers, below the lateral subquery that
-- trims each value once), so the two lanes (typed-tables.ts) are what puts them on both cores.
SELECT
  set_config('jit', 'off', true) AS jit,
  set_config('work_mem', '128MB', true) AS work_mem
