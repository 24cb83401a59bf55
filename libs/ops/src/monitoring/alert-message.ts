import type { AlertEvent, AlertSeverity } from '@ecom/contracts';

/** What to do about each check's alert; also in docs/operations.md ("Alerts"). */
export const RUNBOOK: Record<string, string> = {
  failed_runs: 'Read the error in GET /runs/<run>, fix the input or the stage, start a new run. Resolves when a later run succeeds.',
  stalled_runs:
    'The run has not moved and blocks every new run; the api re-queues a lost job by itself within recovery.reconcileSeconds, so this one is stuck for another reason. Check GET /health for stages without workers or PostgreSQL/Redis down and the workers\' logs; once fixed, POST /runs/<run>/resume (npm run pipeline -- --resume <run>) goes on from its first unfinished stage (docs/operations.md, "Recovery").',
  last_success: 'No run has succeeded for too long: check GET /schedules (is the pipeline schedule enabled, were triggers skipped?) and the failed-run alerts.',
  freshness: 'A layer has not been loaded for too long: look for failed or skipped runs (GET /runs, GET /schedules).',
  volume:
    'The newest day\'s transaction count is far from the median of the days before it: look for a missing, partial or duplicated batch. A real event (Black Friday) trips it too and clears with the next normal day.',
  quality: 'The newest quality score is below the threshold: GET /runs/<run>/quality lists the failing checks and sample ids.',
  stage_duration: 'A stage ran far longer than its own history: check the input size, the number of workers and the database load.',
  dashboard:
    'A crash of PostgreSQL emptied the dashboard\'s summaries (UNLOGGED, derived from the warehouse): start a run (POST /runs {"mode":"incremental","days":1}, or your next folder) to rebuild them now; it resolves once a run has.',
  queues: 'Jobs fail, hang or pile up on a queue: see Bull Board (/admin/queues) and the consumer\'s logs; a queue without workers needs its app started.',
  postgres: 'PostgreSQL answers slowly: check its load, locks and disk.',
  queue_store: 'The queue store (Redis, or PostgreSQL with QUEUE_BACKEND=postgres; GET /health names it) answers slowly or not at all: check its load, memory and connections.',
};

export interface AlertForMessage {
  alert_id: string;
  alert_key: string;
  check_name: string;
  severity: AlertSeverity;
  summary: string;
  opened_at: Date;
  resolved_at: Date | null;
}

/** A Slack-compatible incoming-webhook body: `text` for notifications and plain receivers, `blocks` for Slack. */
export interface WebhookPayload {
  text: string;
  blocks: object[];
}

function minutesBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
}

export function alertTitle(alert: AlertForMessage, event: AlertEvent): string {
  return event === 'opened'
    ? `[${alert.severity.toUpperCase()}] ${alert.summary}`
    : `[RESOLVED] ${alert.summary} (open ${minutesBetween(alert.opened_at, alert.resolved_at ?? new Date())} min)`;
}

export function webhookPayload(alert: AlertForMessage, event: AlertEvent, publicUrl?: string): WebhookPayload {
  const text = alertTitle(alert, event);
  const link = publicUrl ? ` · <${publicUrl.replace(/\/$/, '')}/monitoring|GET /monitoring>` : '';
  const blocks: object[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Check*\n${alert.check_name}` },
        { type: 'mrkdwn', text: `*Key*\n${alert.alert_key}` },
        { type: 'mrkdwn', text: `*Opened*\n${alert.opened_at.toISOString()}` },
        { type: 'mrkdwn', text: `*Resolved*\n${alert.resolved_at?.toISOString() ?? '-'}` },
      ],
    },
  ];
  if (event === 'opened') {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `What to do: ${RUNBOOK[alert.check_name] ?? 'see docs/operations.md'}${link}` }] });
  }
  return { text, blocks };
}

export function emailMessage(alert: AlertForMessage, event: AlertEvent, publicUrl?: string): { subject: string; text: string } {
  const lines = [
    alertTitle(alert, event),
    '',
    `check:    ${alert.check_name}`,
    `key:      ${alert.alert_key}`,
    `opened:   ${alert.opened_at.toISOString()}`,
    `resolved: ${alert.resolved_at?.toISOString() ?? '-'}`,
  ];
  if (event === 'opened') lines.push('', `What to do: ${RUNBOOK[alert.check_name] ?? 'see docs/operations.md'}`);
  if (publicUrl) lines.push('', `${publicUrl.replace(/\/$/, '')}/monitoring`);
  return { subject: `ecom-pipeline: ${alertTitle(alert, event)}`, text: `${lines.join('\n')}\n` };
}
