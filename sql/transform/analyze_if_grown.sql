-- After an entity's load: ANALYZE the table ($1) when the load wrote ($2 rows) more than a tenth
-- of what its statistics describe, so the next entity's joins (and a second run) are planned on
-- real figures (ops.analyze_if_grown, migration 0017).
SELECT
  ops.analyze_if_grown ($1::regclass, $2::bigint) AS analyzed
