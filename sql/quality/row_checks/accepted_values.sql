-- accepted_values, one column of one row (a condition, spliced into sql/quality/row_checks.sql): a
-- non-blank value not in the list. {{trimmed}} the column trimmed; {{values}} the bind parameter
-- holding the accepted values. As sql/quality/accepted_values.sql.
{{trimmed}} <> ''
AND {{trimmed}} <> ALL ({{values}}::text[])
