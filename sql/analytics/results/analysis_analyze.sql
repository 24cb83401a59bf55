-- Temp tables have no statistics until analysed: blind, the planner guesses the joins of the
-- analyses over them.
ANALYZE pg_temp.analysis_sums,
pg_temp.analysis_orders
