-- Up Migration
-- Per run and entity, the share of its input records that some stage rejected (ingest quarantine
-- + transform rejects), against the limit in force (quality.maxRejectPercent in config). The
-- transform writes it; the whole-run score and grade read it (docs/quality.md).
CREATE TABLE ops.reject_rates (
  run_id            text NOT NULL REFERENCES ops.runs ON DELETE CASCADE,
  entity            text NOT NULL,
  -- Records read from the entity's input files (ops.file_accounting.lines_read).
  records           bigint NOT NULL,
  ingest_rejects    bigint NOT NULL,
  transform_rejects bigint NOT NULL,
  -- (ingest_rejects + transform_rejects) / records, at most 1; 0 without records.
  reject_rate       numeric NOT NULL CHECK (reject_rate BETWEEN 0 AND 1),
  -- The limit in percent; NULL: none.
  max_reject_pct    numeric,
  passed            boolean NOT NULL,
  -- [{reason, count}], most frequent first: what the failure message names.
  top_reasons       jsonb NOT NULL DEFAULT '[]',
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, entity)
);

-- Down Migration
DROP TABLE ops.reject_rates;
