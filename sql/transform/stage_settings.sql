-- Settings for the rest of the transform's transaction (set_config(..., true) is SET LOCAL).
-- jit off: every statement runs once per run, so compiling never pays. work_mem: at 1M orders the
-- window sorts of 2.5M order lines and the per-key hashes of the reconciliations spill to disk
-- below ~200MB (64MB took ~2x as long); the transaction runs one statement at a time.
-- maintenance_work_mem: a first load rebuilds every index of 2.5M order lines (bulk_load_restore.sql);
-- with the server's 64MB each build sorted on disk, in 512MB it sorts in memory (~25% faster).
SELECT
  set_config('jit', 'off', true) AS jit,
  set_config('work_mem', '256MB', true) AS work_mem,
  set_config('maintenance_work_mem', '512MB', true) AS maintenance_work_mem
