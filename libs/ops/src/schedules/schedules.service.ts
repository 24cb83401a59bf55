import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AppConfig } from '@ecom/config';
import { SCHEDULE_NAMES, SCHEDULE_QUEUES, isScheduleName, type ScheduleName } from '@ecom/contracts';
import { RunAlreadyActiveError } from '@ecom/pipeline';
import { RunLauncher } from '../runs/run-launcher';
import type { ScheduleChange, ScheduleList, ScheduleView } from './schedules.types';
import { SchedulesRepository, type ScheduleStateRow } from './schedules.repository';

const DESCRIPTIONS: Record<ScheduleName, string> = {
  pipeline: 'an incremental run (a daily delta); skipped and recorded while another run is active',
  monitoring: 'evaluates the monitoring checks, opens and resolves alerts',
  retention: 'deletes data older than the retention settings',
};

const SYNC_RETRY_MS = 30_000;
const SYNC_WAIT_MS = 5_000;

interface EffectiveSchedule {
  pattern: string;
  enabled: boolean;
  source: 'config' | 'api';
}

/**
 * The three schedules as BullMQ job schedulers. Config gives the defaults; PUT /schedules/:name
 * stores an override in ops.schedules and applies it to the scheduler at once (the api). The ops
 * worker, which consumes the schedules' queues, syncs the schedulers with config and ops.schedules
 * at its start (startSync) and re-creates lost ones (restoreMissingSchedulers); BullMQ fires each
 * tick once, whichever ops worker replica takes it.
 */
@Injectable()
export class SchedulesService {
  private readonly logger = new Logger(SchedulesService.name);
  private syncRetry: NodeJS.Timeout | undefined;
  private shuttingDown = false;

  constructor(
    private readonly config: AppConfig,
    private readonly schedules: SchedulesRepository,
    private readonly launcher: RunLauncher,
  ) {}

  /**
   * Syncs the job schedulers with config and ops.schedules, waiting for it at most SYNC_WAIT_MS:
   * with the queue store away BullMQ waits for it without a bound, and a process that never
   * finishes starting cannot say what is down. The sync then goes on in the background (and a
   * failed one is retried every SYNC_RETRY_MS) until stopSync.
   */
  async startSync(): Promise<void> {
    let waited: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      waited = setTimeout(() => resolve(true), SYNC_WAIT_MS);
      waited.unref();
    });
    const done = this.syncSchedulers().then(() => false);
    if (await Promise.race([done, timedOut])) {
      this.logger.warn(`the schedules are not synced yet (queue store not answering within ${SYNC_WAIT_MS / 1000} s); going on, GET /health says what is down`);
    }
    clearTimeout(waited);
  }

  stopSync(): void {
    clearTimeout(this.syncRetry);
    this.syncRetry = undefined;
    this.shuttingDown = true;
  }

  private async syncSchedulers(): Promise<void> {
    try {
      const states = new Map((await this.schedules.states()).map((row) => [row.name, row]));
      for (const name of SCHEDULE_NAMES) await this.applyScheduler(name, this.effective(name, states.get(name)));
    } catch (error) {
      if (this.shuttingDown) return;
      this.logger.warn(`could not sync the schedules (retrying in ${SYNC_RETRY_MS / 1000} s): ${(error as Error).message}`);
      this.syncRetry = setTimeout(() => void this.syncSchedulers(), SYNC_RETRY_MS);
      this.syncRetry.unref();
    }
  }

  /**
   * Re-creates every enabled schedule whose job scheduler is gone (a queue store restarted without
   * persistence loses them); returns the names re-created. The ops worker's recovery loop calls it each round.
   */
  async restoreMissingSchedulers(): Promise<ScheduleName[]> {
    const states = new Map((await this.schedules.states()).map((row) => [row.name, row]));
    const restored: ScheduleName[] = [];
    for (const name of SCHEDULE_NAMES) {
      const schedule = this.effective(name, states.get(name));
      if (!schedule.enabled || (await this.schedules.nextRunAt(name)) !== null) continue;
      await this.applyScheduler(name, schedule);
      restored.push(name);
    }
    if (restored.length > 0) this.logger.warn(`re-created the missing job scheduler(s) ${restored.join(', ')}`);
    return restored;
  }

  async list(): Promise<ScheduleList> {
    const states = new Map((await this.schedules.states()).map((row) => [row.name, row]));
    const schedules = await Promise.all(SCHEDULE_NAMES.map((name) => this.view(name, states.get(name))));
    const skipped = await this.schedules.recentSkippedTriggers(20);
    return {
      schedules,
      recentSkippedTriggers: skipped.map((row) => ({
        skippedId: row.skipped_id,
        trigger: row.trigger,
        mode: row.mode,
        reason: row.reason,
        activeRunId: row.active_run_id,
        skippedAt: row.skipped_at.toISOString(),
      })),
    };
  }

  async update(name: string, request: ScheduleChange): Promise<ScheduleView> {
    if (!isScheduleName(name)) {
      throw new NotFoundException(`no schedule named ${name}; schedules are ${SCHEDULE_NAMES.join(', ')}`);
    }
    if (request.pattern === undefined && request.enabled === undefined) {
      throw new BadRequestException('give pattern, enabled or both');
    }
    const current = this.effective(name, await this.schedules.state(name));
    const pattern = request.pattern?.trim() ?? current.pattern;
    const enabled = request.enabled ?? current.enabled;
    await this.schedules.saveOverride(name, pattern, enabled);
    await this.applyScheduler(name, { pattern, enabled, source: 'api' });
    this.logger.log(`schedule ${name} set to '${pattern}' (${enabled ? 'enabled' : 'disabled'})`);
    return this.view(name, await this.schedules.state(name));
  }

  /**
   * The pipeline schedule's tick: an incremental run, unless one is active (then the guard records
   * the skip) or there is no generated run to continue yet (recorded here). Neither is an error:
   * retrying would not help, the next tick tries again.
   */
  async firePipeline(): Promise<string> {
    const days = this.config.schedules.pipeline.days;
    let outcome: string;
    let runId: string | null = null;
    try {
      runId = await this.launcher.launch({ mode: 'incremental', days }, 'schedule');
      outcome = `started run ${runId}`;
    } catch (error) {
      if (error instanceof RunAlreadyActiveError) {
        outcome = `skipped: run ${error.activeRunId} is ${error.activeStatus} (skip ${error.skippedId})`;
      } else if (error instanceof BadRequestException) {
        const reason = error.message;
        const skippedId = await this.schedules.recordSkippedTrigger('schedule', 'incremental', reason, { mode: 'incremental', days });
        outcome = `skipped: ${reason} (skip ${skippedId})`;
      } else {
        await this.schedules.recordFiring('pipeline', `failed: ${(error as Error).message}`, null);
        throw error;
      }
    }
    await this.schedules.recordFiring('pipeline', outcome, runId);
    this.logger.log(`pipeline schedule: ${outcome}`);
    return outcome;
  }

  async recordFiring(name: ScheduleName, outcome: string): Promise<void> {
    await this.schedules.recordFiring(name, outcome, null);
  }

  private effective(name: ScheduleName, state: ScheduleStateRow | undefined): EffectiveSchedule {
    const fromConfig = this.config.schedules[name];
    if (state?.updated_at && state.pattern !== null && state.enabled !== null) {
      return { pattern: state.pattern, enabled: state.enabled, source: 'api' };
    }
    return { pattern: fromConfig.pattern, enabled: fromConfig.enabled, source: 'config' };
  }

  private async applyScheduler(name: ScheduleName, schedule: EffectiveSchedule): Promise<void> {
    if (schedule.enabled) await this.schedules.upsertScheduler(name, schedule.pattern);
    else await this.schedules.removeScheduler(name);
  }

  private async view(name: ScheduleName, state: ScheduleStateRow | undefined): Promise<ScheduleView> {
    const schedule = this.effective(name, state);
    const next = schedule.enabled ? await this.schedules.nextRunAt(name) : null;
    return {
      name,
      queue: SCHEDULE_QUEUES[name],
      description: DESCRIPTIONS[name],
      pattern: schedule.pattern,
      enabled: schedule.enabled,
      source: schedule.source,
      nextRunAt: next?.toISOString() ?? null,
      lastFiredAt: state?.last_fired_at?.toISOString() ?? null,
      lastOutcome: state?.last_outcome ?? null,
      lastRunId: state?.last_run_id ?? null,
    };
  }
}
