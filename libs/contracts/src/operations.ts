/**
 * The operations side: scheduled triggers, monitoring, retention and alert delivery. Producers
 * and consumers of these queues read the names from here, like the stage queues.
 */
export const OPS_QUEUES = {
  /** Scheduled pipeline runs (job `pipeline`), consumed by the ops worker. */
  schedules: 'schedules',
  /** Monitoring evaluations (job `monitoring`), consumed by the ops worker. */
  monitoring: 'monitoring',
  /** Retention (job `retention`, data `ScheduledJobData`): produced by its schedule; consumed by the ops worker's retention processor. */
  retention: 'retention',
  /** One job per alert event and channel (`AlertDeliveryJobData`), consumed by the ops worker. */
  alerts: 'alerts',
} as const;

/** Every schedule; its name is also its BullMQ job scheduler id and the name of the jobs it makes. */
export const SCHEDULE_NAMES = ['pipeline', 'monitoring', 'retention'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export function isScheduleName(value: string): value is ScheduleName {
  return (SCHEDULE_NAMES as readonly string[]).includes(value);
}

/** The queue each schedule's jobs land on. */
export const SCHEDULE_QUEUES: Record<ScheduleName, string> = {
  pipeline: OPS_QUEUES.schedules,
  monitoring: OPS_QUEUES.monitoring,
  retention: OPS_QUEUES.retention,
};

/** Data of every job a schedule makes. */
export interface ScheduledJobData {
  schedule: ScheduleName;
}

/** Who asked for a run: recorded with a trigger that was skipped because another run was active. */
export const RUN_TRIGGERS = ['api', 'cli', 'schedule'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** Header a client (the pipeline CLI) may send with POST /runs to be recorded as that trigger. */
export const RUN_TRIGGER_HEADER = 'x-run-trigger';

export type AlertSeverity = 'warning' | 'critical';
export type AlertEvent = 'opened' | 'resolved';
export type AlertChannel = 'webhook' | 'email';

export const ALERT_DELIVERY_JOB = 'deliver';

export interface AlertDeliveryJobData {
  alertId: string;
  event: AlertEvent;
  channel: AlertChannel;
}

/** Deterministic: an event is delivered once per channel even if it is enqueued twice. */
export function alertDeliveryJobId(data: AlertDeliveryJobData): string {
  return `alert-${data.alertId}-${data.event}-${data.channel}`;
}
