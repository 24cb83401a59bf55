-- The bench's floors (tools/bench-floors.ts) write their tables into a schema of their own, so
-- nothing they create can touch the pipeline's tables and one DROP removes all of it
-- (drop_floor_schema.sql). Created right after the first run of a scale, dropped before the second.
CREATE SCHEMA bench_floor
