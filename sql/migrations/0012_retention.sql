-- Up Migration
-- Retention (docs/operations.md, "Retention"): quarantine expires by age, and whole monthly
-- partitions of fact_sales may be dropped when warehouse retention is configured.
CREATE INDEX quarantine_created_at_idx ON ops.quarantine (created_at);

-- Drops one bounded partition of warehouse.fact_sales by name. Anything else (the parent, the
-- default partition, another table) is refused, so a name never reaches DROP unchecked.
CREATE FUNCTION warehouse.drop_fact_sales_partition(partition_name text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE i.inhparent = 'warehouse.fact_sales'::regclass
       AND n.nspname = 'warehouse'
       AND c.relname = partition_name
       AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
  ) THEN
    RAISE EXCEPTION 'warehouse.% is not a monthly partition of warehouse.fact_sales', partition_name;
  END IF;
  EXECUTE format('DROP TABLE warehouse.%I', partition_name);
  RETURN true;
END
$$;

-- Down Migration
DROP FUNCTION warehouse.drop_fact_sales_partition(text);
DROP INDEX ops.quarantine_created_at_idx;
