-- Statistics for a freshly built typed table, so no check or transform plan is chosen blind.
-- Template: {{table}} the typed table.
ANALYZE {{table}}
