-- Each stage's newest duration (time so far while it runs) against the median of its own earlier
-- successful durations in runs of the same mode (a daily delta is not compared with a full load),
-- the newest $1 of them.
WITH
  durations AS (
    SELECT
      s.stage,
      s.run_id,
      s.status,
      r.mode,
      extract(
        epoch
        FROM
          coalesce(s.finished_at, now()) - s.started_at
      )::float8 AS seconds,
      row_number() OVER (
        PARTITION BY
          s.stage
        ORDER BY
          r.created_at DESC,
          r.run_id DESC
      ) AS recency
    FROM
      ops.run_stages s
      JOIN ops.runs r USING (run_id)
    WHERE
      s.started_at IS NOT NULL
      AND s.status IN ('succeeded', 'running')
  )
SELECT
  l.stage,
  l.run_id,
  l.status,
  l.mode,
  l.seconds,
  h.median_seconds,
  h.history::int AS history
FROM
  durations l
  CROSS JOIN LATERAL (
    SELECT
      percentile_cont(0.5) WITHIN GROUP (
        ORDER BY
          p.seconds
      ) AS median_seconds,
      count(*) AS history
    FROM
      (
        SELECT
          d.seconds
        FROM
          durations d
        WHERE
          d.stage = l.stage
          AND d.mode = l.mode
          AND d.status = 'succeeded'
          AND d.recency > 1
        ORDER BY
          d.recency
        LIMIT
          $1
      ) p
  ) h
WHERE
  l.recency = 1
ORDER BY
  l.stage
