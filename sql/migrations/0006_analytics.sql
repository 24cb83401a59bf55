-- Up Migration
-- Analysis results per run: what GET /analytics/:name serves and the dashboard draws.
CREATE TABLE ops.analysis_results (
  run_id     text NOT NULL REFERENCES ops.runs ON DELETE CASCADE,
  analysis   text NOT NULL,
  columns    text[] NOT NULL,
  rows       jsonb NOT NULL,
  row_count  integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, analysis)
);

-- Down Migration
DROP TABLE ops.analysis_results;
