-- Settings of the session that times the SQL floors: the ones the transform and warehouse stages
-- set for their own transactions (transform/stage_settings.sql, warehouse/stage_settings.sql), so a
-- floor is not slower or faster than its stage for a setting alone. jit off: every floor runs
-- once; work_mem 64MB: sorts and hashes of a big run stay in memory.
SELECT
  set_config('jit', 'off', false) AS jit,
  set_config('work_mem', '64MB', false) AS work_mem
