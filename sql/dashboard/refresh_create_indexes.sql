-- The indexes and primary keys refresh_drop_indexes.sql dropped, built over the full summaries.
DO $$
DECLARE
  ix record;
BEGIN
  FOR ix IN SELECT * FROM pg_temp.dashboard_indexes LOOP
    EXECUTE ix.definition;
  END LOOP;
END
$$;

DROP TABLE pg_temp.dashboard_indexes
