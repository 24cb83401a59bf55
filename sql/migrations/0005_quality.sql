-- Up Migration
-- Quality check results per run, and the validator's score. Checks are declared in
-- config/quality-checks.yaml (docs/quality.md); the validator writes its own (stage validate),
-- transform and warehouse their reconciliations.
CREATE TABLE ops.quality_checks (
  run_id             text NOT NULL REFERENCES ops.runs ON DELETE CASCADE,
  check_name         text NOT NULL,
  check_type         text NOT NULL DEFAULT 'sql',
  stage              text NOT NULL DEFAULT 'validate' CHECK (stage IN ('validate', 'transform', 'warehouse')),
  family             text NOT NULL CHECK (family IN ('completeness', 'uniqueness', 'referential_integrity', 'consistency', 'range')),
  entity             text NOT NULL,
  severity           text NOT NULL DEFAULT 'warn' CHECK (severity IN ('warn', 'error')),
  -- As declared: a count ('0', '5') or a rate of the rows checked ('2%').
  threshold          text NOT NULL DEFAULT '0',
  -- The threshold as a number of violations for this run's rows_checked.
  allowed_violations numeric NOT NULL DEFAULT 0,
  weight             numeric NOT NULL,
  rows_checked       bigint NOT NULL,
  -- A count of rows, except for money reconciliations: the absolute difference in money.
  violations         numeric NOT NULL,
  sample_ids         text[] NOT NULL DEFAULT '{}',
  passed             boolean NOT NULL,
  -- Generated so it can never disagree with the numbers: only an error over its threshold fails.
  status             text NOT NULL GENERATED ALWAYS AS (
                       CASE WHEN violations = 0 THEN 'pass'
                            WHEN severity = 'error' AND violations > allowed_violations THEN 'fail'
                            ELSE 'warn' END) STORED,
  description        text NOT NULL,
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
