-- Up Migration
-- The pipeline's own bookkeeping: the run ledger, per-stage and per-task accounting, quarantine.
CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE ops.runs (
  run_id       text PRIMARY KEY,
  mode         text NOT NULL CHECK (mode IN ('generate', 'source', 'incremental', 'rebuild')),
  params       jsonb NOT NULL,
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  failed_stage text,
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
);
CREATE INDEX runs_created_at_idx ON ops.runs (created_at DESC);

CREATE TABLE ops.run_stages (
  run_id        text NOT NULL REFERENCES ops.runs ON DELETE CASCADE,
  stage         text NOT NULL,
  seq           int NOT NULL,
  status        text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
  attempts      int NOT NULL DEFAULT 0,
  tasks_total   int,
  tasks_done    int NOT NULL DEFAULT 0,
  rows_in       bigint,
  rows_out      bigint,
  rows_rejected bigint,
  detail        jsonb NOT NULL DEFAULT '{}',
  error         text,
  started_at    timestamptz,
  finished_at   timestamptz,
  PRIMARY KEY (run_id, stage),
  -- Principle 1: what goes in comes out or is rejected with a reason.
  CONSTRAINT stage_rows_add_up CHECK (
    rows_in IS NULL OR rows_in = coalesce(rows_out, 0) + coalesce(rows_rejected, 0)
  )
);

-- One row per unit of fan-out work (a generated part, an ingested file part).
CREATE TABLE ops.stage_tasks (
  run_id        text NOT NULL,
  stage         text NOT NULL,
  task_key      text NOT NULL,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  payload       jsonb NOT NULL DEFAULT '{}',
  rows_in       bigint,
  rows_out      bigint,
  rows_rejected bigint,
  detail        jsonb NOT NULL DEFAULT '{}',
  error         text,
  finished_at   timestamptz,
  PRIMARY KEY (run_id, stage, task_key),
  FOREIGN KEY (run_id, stage) REFERENCES ops.run_stages ON DELETE CASCADE
);

-- docs/contract.md section 3: lines read = rows landed + rows quarantined, per input file.
CREATE TABLE ops.file_accounting (
  run_id           text NOT NULL REFERENCES ops.runs ON DELETE CASCADE,
  source_file      text NOT NULL,
  entity           text NOT NULL,
  lines_read       bigint NOT NULL,
  rows_landed      bigint NOT NULL,
  rows_quarantined bigint NOT NULL,
  extra_columns    text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (run_id, source_file),
  CONSTRAINT file_lines_add_up CHECK (lines_read = rows_landed + rows_quarantined)
);

CREATE TABLE ops.quarantine (
  quarantine_id bigserial PRIMARY KEY,
  run_id        text NOT NULL REFERENCES ops.runs ON DELETE CASCADE,
  stage         text NOT NULL,
  entity        text,
  source_file   text,
  source_line   bigint,
  record_key    text,
  raw_record    text,
  reason_code   text NOT NULL,
  message       text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarantine_run_stage_idx ON ops.quarantine (run_id, stage, reason_code);

-- Safe casts for raw text: NULL instead of an error, so one bad value rejects one row, not a batch.
CREATE FUNCTION ops.safe_numeric(value text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN btrim(value) ~ '^[-+]?(\d+(\.\d*)?|\.\d+)$' AND length(btrim(value)) <= 30
              THEN btrim(value)::numeric END
$$;

CREATE FUNCTION ops.safe_int(value text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN btrim(value) ~ '^[-+]?\d{1,9}$' THEN btrim(value)::integer END
$$;

CREATE FUNCTION ops.safe_date(value text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN btrim(value) ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$'
     AND substr(btrim(value), 9, 2)::int <= extract(day FROM
           (date_trunc('month', (substr(btrim(value), 1, 8) || '01')::date) + interval '1 month - 1 day'))
    THEN btrim(value)::date END
$$;

CREATE FUNCTION ops.safe_time(value text) RETURNS time
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN btrim(value) ~ '^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$' THEN btrim(value)::time END
$$;

-- Down Migration
DROP SCHEMA ops CASCADE;
