-- After a first load: re-adds the keys (checking them), rebuilds the indexes and re-adds the
-- foreign keys (validating each in one join) that bulk_load_prepare.sql dropped ($1, the
-- statements it returned, in order).
SELECT
  ops.bulk_load_restore ($1::text[])
