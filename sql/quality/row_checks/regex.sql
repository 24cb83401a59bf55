-- regex, one column of one row (a condition, spliced into sql/quality/row_checks.sql): a non-blank
-- value that does not match. {{trimmed}} the column trimmed; {{pattern}} the bind parameter holding
-- the PostgreSQL regular expression. As sql/quality/regex.sql.
{{trimmed}} <> ''
AND {{trimmed}} !~ {{pattern}}::text
