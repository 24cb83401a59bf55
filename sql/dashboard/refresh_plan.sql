-- Whether run $1's analytics stage may refresh the summaries for what the newest warehouse load
-- touched (full_reason NULL) or must rebuild them (full_reason says why). Incremental only when
-- the summaries reflect the newest load or the one just before it, that newest load was
-- incremental, and the run itself is not a rebuild: the touched days are found from the newest
-- load's facts and changes alone (refresh_touched_days.sql), which says nothing about older loads.
-- new_load_run_id: the load the summaries do not reflect yet (NULL when they are current).
WITH
  state AS (
    SELECT
      load_run_id
    FROM
      dashboard.refresh_state
    WHERE
      load_run_id IS NOT NULL
  ),
  loads AS (
    SELECT
      run_id,
      mode,
      loaded_at,
      row_number() OVER (
        ORDER BY
          loaded_at DESC,
          run_id DESC
      ) AS position
    FROM
      ops.warehouse_loads
  ),
  -- By run id: refresh_state.loaded_at went through a JavaScript Date and lost its microseconds.
  reflected AS (
    SELECT
      l.position
    FROM
      loads l
      JOIN state s ON s.load_run_id = l.run_id
  )
SELECT
  CASE
    WHEN NOT EXISTS (
      SELECT
        1
      FROM
        state
    ) THEN 'no summaries of a load yet'
    WHEN (
      SELECT
        mode
      FROM
        ops.runs
      WHERE
        run_id = $1
    ) = 'rebuild' THEN 'rebuild run'
    WHEN NOT EXISTS (
      SELECT
        1
      FROM
        reflected
    ) THEN 'the load the summaries reflect is gone'
    WHEN (
      SELECT
        position
      FROM
        reflected
    ) = 1 THEN NULL
    WHEN (
      SELECT
        position
      FROM
        reflected
    ) > 2 THEN 'summaries behind by more than one load'
    WHEN (
      SELECT
        mode
      FROM
        loads
      WHERE
        position = 1
    ) <> 'incremental' THEN 'the newest load was a rebuild'
  END AS full_reason,
  (
    SELECT
      run_id
    FROM
      loads
    WHERE
      position = 1
      AND (
        SELECT
          position
        FROM
          reflected
      ) = 2
  ) AS new_load_run_id
