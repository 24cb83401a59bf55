-- The PostgreSQL server the bench ran on, printed beside every table so that two benches can be
-- compared knowingly: its version, the bench database's collation (text sorts and index builds
-- call strcoll outside "C") and the settings that decide how WAL, checkpoints and parallel workers
-- go. Measured on one machine, alternated (docs/performance.md): a 1M run 1 took 105.7 s at
-- PostgreSQL's defaults (shared_buffers 128MB, max_wal_size 1GB), 104.5 s at the embedded
-- server's 256MB / 2GB and 103.9 s at 4GB / 16GB; the stages' time is their statements' CPU.
SELECT
  current_setting('server_version') AS version,
  (
    SELECT
      datcollate
    FROM
      pg_database
    WHERE
      datname = current_database()
  ) AS collation,
  json_object_agg(
    s.name,
    current_setting(s.name)
    ORDER BY
      s.ordinality
  ) AS settings
FROM
  unnest(
    ARRAY[
      'shared_buffers',
      'max_wal_size',
      'checkpoint_timeout',
      'wal_level',
      'synchronous_commit',
      'fsync',
      'full_page_writes',
      'max_parallel_workers_per_gather',
      'max_worker_processes'
    ]
  ) WITH ORDINALITY AS s (name, ordinality)
