-- The analyses' groupings were only their source; free them before the dashboard refresh.
DROP TABLE pg_temp.analysis_sums,
pg_temp.analysis_orders
