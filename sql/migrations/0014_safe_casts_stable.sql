-- Up Migration
-- ops.safe_date and ops.safe_time cast text with date_in / time_in, which PostgreSQL marks STABLE
-- (they read DateStyle and TimeZone). Declared IMMUTABLE, the functions could never be inlined, so
-- every call ran as a SQL function of its own: ~4 us a value, most of the validator's and the
-- profile's time on date columns (docs/quality.md, "Performance"). STABLE is what they are, lets
-- the planner inline them, and changes no result. Neither is used in an index or a constraint.
ALTER FUNCTION ops.safe_date(text) STABLE;
ALTER FUNCTION ops.safe_time(text) STABLE;

-- Down Migration
ALTER FUNCTION ops.safe_time(text) IMMUTABLE;
ALTER FUNCTION ops.safe_date(text) IMMUTABLE;
