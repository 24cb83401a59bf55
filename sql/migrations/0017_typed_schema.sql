-- Up Migration
-- Per-run typed copies of the staged rows (libs/pipeline typed-tables.ts, sql/quality/typed/):
-- staging is all text, and the validator's checks, its profile and the transformer each parsed the
-- same values again (~4 parses of every number per run). The validate stage builds one UNLOGGED
-- table per entity and run here, every value trimmed and parsed once; the transform drops them
-- when it commits. Derived data only: losing it (a crash, UNLOGGED after a restart) costs a rebuild.
CREATE SCHEMA IF NOT EXISTS typed;

-- A first load into an empty production table (sql/transform/bulk_load_*.sql): its foreign keys
-- and secondary indexes, and its primary key and unique constraints when no other table's foreign
-- key needs them, are dropped before the insert and put back after it, in the same transaction: one
-- index build and one validating join per constraint instead of a b-tree insertion per row and
-- index and an RI trigger call per row and key (2.6M lines x 2 keys at 1M orders; at 100k orders,
-- 250k lines inserted in 1.3 s + 0.6 s for the primary key, against 6 s as an upsert into the
-- indexed table). Returns the statements that put everything back, from the catalogue
-- (pg_get_constraintdef, pg_get_indexdef), in the order they must run (keys, indexes, foreign keys),
-- for ops.bulk_load_restore; NULL, dropping nothing, when the table holds rows.
CREATE FUNCTION ops.bulk_load_prepare(p_table regclass) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  keys text[] := '{}';
  indexes text[] := '{}';
  foreign_keys text[] := '{}';
  holds_rows boolean;
  referenced boolean;
  schema_name name;
  r record;
BEGIN
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', p_table) INTO holds_rows;
  IF holds_rows THEN
    RETURN NULL;
  END IF;
  SELECT n.nspname INTO schema_name FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace WHERE t.oid = p_table;
  referenced := EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = p_table AND contype = 'f');
  FOR r IN SELECT conname, contype, pg_get_constraintdef(oid) AS def
             FROM pg_constraint
            WHERE conrelid = p_table AND (contype = 'f' OR (contype IN ('p', 'u') AND NOT referenced))
            ORDER BY conname LOOP
    IF r.contype = 'f' THEN
      foreign_keys := foreign_keys || format('ALTER TABLE %s ADD CONSTRAINT %I %s', p_table, r.conname, r.def);
    ELSE
      keys := keys || format('ALTER TABLE %s ADD CONSTRAINT %I %s', p_table, r.conname, r.def);
    END IF;
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', p_table, r.conname);
  END LOOP;
  FOR r IN SELECT c.relname, pg_get_indexdef(i.indexrelid) AS def
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = p_table
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = p_table)
            ORDER BY c.relname LOOP
    indexes := indexes || r.def;
    EXECUTE format('DROP INDEX %I.%I', schema_name, r.relname);
  END LOOP;
  RETURN keys || indexes || foreign_keys;
END
$$;

-- Runs, in order, the statements ops.bulk_load_prepare returned.
CREATE FUNCTION ops.bulk_load_restore(p_statements text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  statement text;
BEGIN
  FOREACH statement IN ARRAY p_statements LOOP
    EXECUTE statement;
  END LOOP;
END
$$;

-- ANALYZE after a bulk write: when a statement wrote more than a tenth of what the table's
-- statistics describe (or it has none), so the next statement's plan is not chosen blind. A daily
-- delta writes a few hundred rows into millions and skips it.
CREATE FUNCTION ops.analyze_if_grown(p_table regclass, p_written bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  described real;
BEGIN
  SELECT reltuples INTO described FROM pg_class WHERE oid = p_table;
  IF p_written > 0 AND (described < 0 OR p_written > 0.1 * described) THEN
    EXECUTE format('ANALYZE %s', p_table);
    RETURN true;
  END IF;
  RETURN false;
END
$$;

-- Down Migration
DROP FUNCTION IF EXISTS ops.analyze_if_grown(regclass, bigint);
DROP FUNCTION IF EXISTS ops.bulk_load_restore(text[]);
DROP FUNCTION IF EXISTS ops.bulk_load_prepare(regclass);
DROP SCHEMA IF EXISTS typed CASCADE;
