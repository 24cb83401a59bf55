-- Before an entity's load: when its production table ($1) is empty (a first load), drops its
-- foreign keys, secondary indexes and, when nothing references it, its keys, and returns the
-- statements that put them back (ops.bulk_load_prepare, migration 0017); NULL otherwise, and the
-- load upserts. Same transaction as the load.
SELECT
  ops.bulk_load_prepare ($1::regclass) AS restore
