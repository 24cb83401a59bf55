-- Whether a statement looks production ($2) up by key, one index probe per row of the run's typed
-- table ($1), instead of joining all of it: when the run's rows are under a quarter of production's
-- (a delta: ~1k customers against 100k). The planner, costing each probe as
-- a random read (random_page_cost 4), hashes all of production even for 1k rows (a delta's
-- customers.sql: 42 of its 86 ms); a first load or a re-delivery (the run as large as production)
-- keeps the join. From the tables' statistics (the typed ones are analyzed when built; -1, never
-- analyzed, keeps the join). The result is spliced into the statement as a constant (true / false).
SELECT
  coalesce(
    (
      SELECT
        r.reltuples >= 0
        AND 4 * r.reltuples < p.reltuples
      FROM
        pg_class r,
        pg_class p
      WHERE
        r.oid = $1::regclass
        AND p.oid = $2::regclass
    ),
    FALSE
  ) AS probe
