-- One retention pass at a time (the api endpoint and the scheduled job may meet): a session lock.
SELECT
  pg_try_advisory_lock(hashtext ('ecom.retention')) AS locked
