-- The lines both lanes read (dashboard_next.lines, coded by the prepare transaction): every table
-- built from them is committed once both lanes are done.
DROP TABLE dashboard_next.lines
