import type { RunTrigger, ScheduleName } from '@ecom/contracts';

/** A change of a schedule (PUT /schedules/:name); a field left out keeps its current value. */
export interface ScheduleChange {
  pattern?: string;
  enabled?: boolean;
}

export interface ScheduleView {
  name: ScheduleName;
  /** The queue its jobs land on; the schedule's name is the job name. */
  queue: string;
  description: string;
  /** Cron, UTC. */
  pattern: string;
  enabled: boolean;
  /** config: as in config/config.yaml; api: changed by PUT /schedules/:name (kept in ops.schedules). */
  source: 'config' | 'api';
  /** When BullMQ will fire it next; null while disabled. */
  nextRunAt: string | null;
  lastFiredAt: string | null;
  lastOutcome: string | null;
  lastRunId: string | null;
}

export interface SkippedTriggerView {
  skippedId: string;
  trigger: RunTrigger;
  mode: string | null;
  reason: string;
  activeRunId: string | null;
  skippedAt: string;
}

export interface ScheduleList {
  schedules: ScheduleView[];
  /** Newest first: triggers that started nothing, and why. */
  recentSkippedTriggers: SkippedTriggerView[];
}
