-- Drops every table the floors created (they all live in bench_floor); also run before the floors
-- start, in case an interrupted bench left the schema behind.
DROP SCHEMA IF EXISTS bench_floor CASCADE
