-- When each layer last got a load: staging by the ingest stage, production by transform, the
-- warehouse by its loader (the stage's latest successful finish).
SELECT
  l.layer,
  max(s.finished_at) AS loaded_at,
  extract(
    epoch
    FROM
      now() - max(s.finished_at)
  )::float8 / 3600 AS hours_ago
FROM
  (
    VALUES
      ('staging', 'ingest'),
      ('production', 'transform'),
      ('warehouse', 'warehouse')
  ) AS l (layer, stage)
  LEFT JOIN ops.run_stages s ON s.stage = l.stage
  AND s.status = 'succeeded'
GROUP BY
  l.layer
ORDER BY
  l.layer
