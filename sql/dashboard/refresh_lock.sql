-- Serialises refreshes (several api processes may notice a new load at once); released at commit.
SELECT
  pg_advisory_xact_lock(hashtext ('dashboard.refresh'))
