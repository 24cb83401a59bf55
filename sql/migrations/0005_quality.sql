-- Up Migration
-- Validator results per run: each check with its violations, and the run's score.
CREATE TABLE ops.quality_checks (
  run_id       text NOT NULL REFERENCES ops.runs ON DELETE CASCADE,
  check_name   text NOT NULL,
  family       text NOT NULL CHECK (family IN ('completeness', 'uniqueness', 'referential_integrity', 'consistency', 'range')),
  entity       text NOT NULL,
  weight       numeric NOT NULL,
  rows_checked bigint NOT NULL,
  violations   bigint NOT NULL,
  sample_ids   text[] NOT NULL DEFAULT '{}',
  passed       boolean NOT NULL,
  description  text NOT NULL,
  PRIMARY KEY (run_id, check_name)
);

CREATE TABLE ops.quality_scores (
  run_id     text PRIMARY KEY REFERENCES ops.runs ON DELETE CASCADE,
  score      numeric(5,2) NOT NULL,
  grade      char(1) NOT NULL,
  threshold  numeric(5,2) NOT NULL,
  passed     boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE ops.quality_scores;
DROP TABLE ops.quality_checks;
