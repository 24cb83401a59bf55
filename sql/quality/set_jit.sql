-- Sets PostgreSQL's JIT for the rest of the caller's transaction ($1 'on' / 'off') and returns the
-- setting it replaced, so the quality gate can put it back. OFFSET 0 keeps the subquery a plan node
-- of its own: the previous value is read before set_config runs.
SELECT
  previous,
  set_config('jit', $1, true) AS jit
FROM
  (
    SELECT
      current_setting('jit') AS previous
    OFFSET
      0
  ) p
