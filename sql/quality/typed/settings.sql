-- Settings for the rest of a typed-table build's transaction (set_config(..., true) is SET LOCAL).
-- jit off: each build runs once per run, so compiling never pays. work_mem: room for the sorts and
-- hashes of a 2.6M-line entity. Parallel workers (the default two) do the parsing of CREATE TABLE AS.
SELECT
  set_config('jit', 'off', true) AS jit,
  set_config('work_mem', '128MB', true) AS work_mem
