-- Up Migration
-- A mapped run (docs/mappings.md): which mapping converted which source folder, and the source's
-- own control totals as the converter counted them (lines, orders and Σ quantity × unit price by
-- status; what it converted; what it set aside by reason). The run report sets them beside the
-- warehouse's totals. The lines set aside are in ops.quarantine (stage 'mapping').
CREATE TABLE ops.mapping_runs (
  run_id         text PRIMARY KEY REFERENCES ops.runs ON DELETE CASCADE,
  mapping        text NOT NULL,
  mapping_file   text NOT NULL,
  source_dir     text NOT NULL,
  control_totals jsonb NOT NULL,
  converted_at   timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE ops.mapping_runs;
