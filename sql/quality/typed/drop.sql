-- Drops typed tables of a run. Template: {{tables}} the qualified names, comma-separated.
DROP TABLE IF EXISTS {{tables}}
