-- Every typed table (schema `typed`) with its size on disk. A name carries a digest of its run id,
-- so which run owns a table is decided by the caller (libs/pipeline typed-tables.ts).
SELECT
  c.relname AS name,
  pg_total_relation_size(c.oid)::bigint AS bytes
FROM
  pg_class c
WHERE
  c.relnamespace = 'typed'::regnamespace
  AND c.relkind = 'r'
ORDER BY
  c.relname
