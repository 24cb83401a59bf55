-- Up Migration
-- Operations: run-time changes to the schedules, triggers skipped because a run was active,
-- alerts (one open alert per condition) with their deliveries, and monitoring snapshots.

-- Only what PUT /schedules/:name changed; a schedule without a row follows config/config.yaml.
CREATE TABLE ops.schedules (
  name           text PRIMARY KEY,
  pattern        text,
  enabled        boolean,
  updated_at     timestamptz,
  last_fired_at  timestamptz,
  last_outcome   text,
  last_run_id    text
);

-- A trigger (schedule, POST /runs, CLI) that started nothing, and why: never two runs at once.
CREATE TABLE ops.skipped_triggers (
  skipped_id     bigserial PRIMARY KEY,
  trigger        text NOT NULL CHECK (trigger IN ('api', 'cli', 'schedule')),
  mode           text,
  reason         text NOT NULL,
  -- SET NULL: retention may delete the run later; the skip stays explained by its reason.
  active_run_id  text REFERENCES ops.runs ON DELETE SET NULL,
  request        jsonb NOT NULL DEFAULT '{}',
  skipped_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX skipped_triggers_skipped_at_idx ON ops.skipped_triggers (skipped_at DESC);

CREATE TABLE ops.alerts (
  alert_id      bigserial PRIMARY KEY,
  -- What the alert is about, e.g. 'run_failed:<run>', 'freshness:warehouse', 'volume_anomaly'.
  alert_key     text NOT NULL,
  check_name    text NOT NULL,
  severity      text NOT NULL CHECK (severity IN ('warning', 'critical')),
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  summary       text NOT NULL,
  detail        jsonb NOT NULL DEFAULT '{}',
  opened_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz,
  CONSTRAINT alert_resolved_when_closed CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
-- One open alert per condition, whichever replica's monitoring sees it: no repeat every 5 minutes.
CREATE UNIQUE INDEX alerts_one_open_per_key ON ops.alerts (alert_key) WHERE status = 'open';
CREATE INDEX alerts_opened_at_idx ON ops.alerts (opened_at DESC);

-- One row per alert event and channel; the delivery job records its attempts here.
CREATE TABLE ops.alert_deliveries (
  alert_id      bigint NOT NULL REFERENCES ops.alerts ON DELETE CASCADE,
  event         text NOT NULL CHECK (event IN ('opened', 'resolved')),
  channel       text NOT NULL CHECK (channel IN ('webhook', 'email')),
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts      int NOT NULL DEFAULT 0,
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  sent_at       timestamptz,
  PRIMARY KEY (alert_id, event, channel)
);

-- Each scheduled evaluation's health score and checks, for trends.
CREATE TABLE ops.monitoring_snapshots (
  snapshot_id   bigserial PRIMARY KEY,
  evaluated_at  timestamptz NOT NULL DEFAULT now(),
  score         numeric(5,1) NOT NULL,
  status        text NOT NULL,
  checks        jsonb NOT NULL
);
CREATE INDEX monitoring_snapshots_evaluated_at_idx ON ops.monitoring_snapshots (evaluated_at DESC);

-- The stalled-run and last-success checks read runs by status.
CREATE INDEX runs_status_idx ON ops.runs (status, created_at DESC);

-- Down Migration
DROP INDEX ops.runs_status_idx;
DROP TABLE ops.monitoring_snapshots;
DROP TABLE ops.alert_deliveries;
DROP TABLE ops.alerts;
DROP TABLE ops.skipped_triggers;
DROP TABLE ops.schedules;
