-- Statistics for a freshly built typed table, so no check or transform plan is chosen blind: the
-- row count and the columns plans join, group and filter on (TYPED_ANALYZED in typed-tables.ts).
-- Template: {{table}} the typed table; columns: its columns to sample, a comma-separated list.
ANALYZE {{table}} ({{columns}})
