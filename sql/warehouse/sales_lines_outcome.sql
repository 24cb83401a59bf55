-- The stage's accounting for run $1: lines in, facts now loaded for them, lines rejected.
SELECT count(*)::int AS lines_in,
       count(f.item_id) FILTER (WHERE l.resolved AND f.last_run_id = $1)::int AS facts_loaded,
       count(*) FILTER (WHERE NOT l.resolved)::int AS lines_rejected
  FROM pg_temp.warehouse_sales_lines l
  LEFT JOIN warehouse.fact_sales f ON f.item_id = l.item_id;
