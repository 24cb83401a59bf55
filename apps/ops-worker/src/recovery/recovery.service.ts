import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@ecom/config';
import { RunReconciler, type ReconcileAction } from '@ecom/pipeline';
import { SchedulesService } from '@ecom/ops';

export interface RecoveryRound {
  actions: ReconcileAction[];
  restoredSchedules: string[];
}

/**
 * The recovery loop: every recovery.reconcileSeconds it makes the queues agree with the run ledger
 * (RunReconciler: a running run's missing or failed job is queued again) and re-creates job
 * schedulers that are gone. A timer in every ops worker replica, not a scheduled job: it must work
 * when the queue store has lost its schedulers too. Replicas doing it at once are harmless
 * (deterministic job ids, upserts).
 */
@Injectable()
export class RecoveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecoveryService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly reconciler: RunReconciler,
    private readonly schedules: SchedulesService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.recovery.reconcileSeconds > 0) this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round (the loop, and specs that need one now); errors are the caller's. */
  async reconcile(): Promise<RecoveryRound> {
    const actions = await this.reconciler.reconcileAll();
    const restoredSchedules = await this.schedules.restoreMissingSchedulers();
    return { actions, restoredSchedules };
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.reconcile()
        .catch((error: Error) => this.logger.warn(`recovery round failed (next in ${this.config.recovery.reconcileSeconds} s): ${error.message}`))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule();
        });
    }, this.config.recovery.reconcileSeconds * 1000);
    this.timer.unref();
  }
}
