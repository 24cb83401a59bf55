-- The lines were only the source of the day summaries; free them before the stage goes on.
DROP TABLE pg_temp.dashboard_lines
