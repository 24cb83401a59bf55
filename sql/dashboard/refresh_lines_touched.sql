-- The fact lines of the touched days rebuilt whole (refresh_moved_days.sql) only, coded as
-- refresh_lines.sql codes every day's: the placeholder lines is coded_lines_of_days.sql over
-- dashboard_whole_days, with no more columns and no further condition.
CREATE TEMP TABLE dashboard_lines ON
COMMIT
DROP AS {{lines}}
