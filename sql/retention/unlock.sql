SELECT
  pg_advisory_unlock(hashtext ('ecom.retention')) AS unlocked
