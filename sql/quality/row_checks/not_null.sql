-- not_null, one column of one row (a condition, spliced into sql/quality/row_checks.sql): the value
-- is NULL or blank. {{trimmed}} the column trimmed. As sql/quality/not_null.sql.
coalesce({{trimmed}}, '') = ''
