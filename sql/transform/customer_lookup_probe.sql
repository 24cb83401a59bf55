-- The production customer of each row, looked up by key: one index probe per row. For a run small
-- beside production (probe_production.sql: a delta's ~1k customers against 100k), where joined (customer_lookup_join.sql) the planner, costing each probe as a random
-- read (random_page_cost 4), hashed all of production.customers. OFFSET 0 keeps the subquery from
-- being pulled up into that join. Spliced into a FROM clause by production-lookup.ts.
LEFT JOIN LATERAL (
  SELECT
    *
  FROM
    production.customers probed
  WHERE
    probed.{{key}} = {{reference}}
  OFFSET
    0
) {{alias}} ON TRUE
