import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { OPS_QUEUES, type RunTrigger, type ScheduleName, type ScheduledJobData } from '@ecom/contracts';
import { runSqlFile } from '@ecom/db';

export interface ScheduleStateRow {
  name: string;
  pattern: string | null;
  enabled: boolean | null;
  updated_at: Date | null;
  last_fired_at: Date | null;
  last_outcome: string | null;
  last_run_id: string | null;
}

export interface SkippedTriggerRow {
  skipped_id: string;
  trigger: RunTrigger;
  mode: string | null;
  reason: string;
  active_run_id: string | null;
  skipped_at: Date;
}

/** A scheduled job that fails (PostgreSQL away at 02:00) is retried a few times; its history stays short. */
const SCHEDULED_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { count: 200 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

/** Schedule state in ops.schedules and the BullMQ job schedulers that fire them. */
@Injectable()
export class SchedulesRepository {
  private readonly queues: Record<ScheduleName, Queue>;

  constructor(
    private readonly pool: Pool,
    @InjectQueue(OPS_QUEUES.schedules) schedules: Queue,
    @InjectQueue(OPS_QUEUES.monitoring) monitoring: Queue,
    @InjectQueue(OPS_QUEUES.retention) retention: Queue,
  ) {
    // As SCHEDULE_QUEUES says: the pipeline schedule fires onto the 'schedules' queue.
    this.queues = { pipeline: schedules, monitoring, retention };
  }

  async states(): Promise<ScheduleStateRow[]> {
    return (await runSqlFile<ScheduleStateRow>(this.pool, 'schedules/schedule_states')).rows;
  }

  async state(name: ScheduleName): Promise<ScheduleStateRow | undefined> {
    return (await runSqlFile<ScheduleStateRow>(this.pool, 'schedules/schedule_state', [name])).rows[0];
  }

  async saveOverride(name: ScheduleName, pattern: string, enabled: boolean): Promise<void> {
    await runSqlFile(this.pool, 'schedules/save_schedule_override', [name, pattern, enabled]);
  }

  async recordFiring(name: ScheduleName, outcome: string, runId: string | null): Promise<void> {
    await runSqlFile(this.pool, 'schedules/record_schedule_firing', [name, outcome, runId]);
  }

  async recordSkippedTrigger(trigger: RunTrigger, mode: string, reason: string, request: object): Promise<string> {
    const { rows } = await runSqlFile<{ skipped_id: string }>(this.pool, 'schedules/record_skipped_trigger', [
      trigger,
      mode,
      reason,
      null,
      JSON.stringify(request),
    ]);
    return rows[0].skipped_id;
  }

  async recentSkippedTriggers(limit: number): Promise<SkippedTriggerRow[]> {
    return (await runSqlFile<SkippedTriggerRow>(this.pool, 'schedules/recent_skipped_triggers', [limit])).rows;
  }

  /** Creates or changes the job scheduler; every replica calling this with the same values is a no-op. */
  async upsertScheduler(name: ScheduleName, pattern: string): Promise<void> {
    const data: ScheduledJobData = { schedule: name };
    await this.queues[name].upsertJobScheduler(name, { pattern, tz: 'UTC' }, { name, data, opts: SCHEDULED_JOB_OPTIONS });
  }

  async removeScheduler(name: ScheduleName): Promise<void> {
    await this.queues[name].removeJobScheduler(name);
  }

  /** Next firing time as BullMQ holds it, or null when it has no scheduler. */
  async nextRunAt(name: ScheduleName): Promise<Date | null> {
    const scheduler = await this.queues[name].getJobScheduler(name);
    return scheduler?.next ? new Date(scheduler.next) : null;
  }

  queueOf(name: ScheduleName): Queue {
    return this.queues[name];
  }
}
