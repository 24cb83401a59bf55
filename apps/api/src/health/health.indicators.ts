import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Pool } from 'pg';
import { runSqlFile } from '@ecom/db';
import { AppConfig } from '@ecom/config';
import { StageRuntime, pingQueueStore, queueStoreLocation, withinTimeout } from '@ecom/pipeline';

@Injectable()
export class PipelineHealthIndicators {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly pool: Pool,
    private readonly runtime: StageRuntime,
    private readonly config: AppConfig,
  ) {}

  /** Redis or PostgreSQL, in messages. */
  private get storeLabel(): string {
    return this.config.queueBackend === 'postgres' ? 'the PostgreSQL queue store' : 'Redis';
  }

  async postgres(): Promise<HealthIndicatorResult> {
    const session = this.health.check('postgres');
    const started = Date.now();
    try {
      await withinTimeout('PostgreSQL', runSqlFile(this.pool, 'api/database_ping'));
      return session.up({ responseTimeMs: Date.now() - started });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }

  /**
   * The queue store (`backend`: redis or postgres), pinged through a queue's own connection: the
   * one producing runs has to work.
   */
  async queues(): Promise<HealthIndicatorResult> {
    const session = this.health.check('queues');
    const where = queueStoreLocation(this.config);
    const started = Date.now();
    try {
      const reply = await withinTimeout(this.storeLabel, pingQueueStore(this.runtime.queue('generate')));
      return session.up({ ...where, responseTimeMs: Date.now() - started, reply });
    } catch (error) {
      return session.down({ ...where, message: (error as Error).message });
    }
  }

  /**
   * Workers connected per stage queue: down while any stage has none, since a run would stop
   * there (a dead worker, or the workers not started yet).
   */
  async workers(): Promise<HealthIndicatorResult> {
    const session = this.health.check('workers');
    try {
      const perStage = await withinTimeout(this.storeLabel, this.runtime.workersPerStage());
      const idleStages = Object.entries(perStage)
        .filter(([, count]) => count === 0)
        .map(([stage]) => stage);
      if (idleStages.length > 0) {
        return session.down({ message: `no worker consumes stage(s) ${idleStages.join(', ')}`, perStage, idleStages });
      }
      return session.up({ perStage, idleStages });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }

  /**
   * Down while a queued or running run has made no progress in the ledger for
   * monitoring.stalledRunMinutes: it blocks every later run (the stalled_runs alert says the same).
   */
  async runs(): Promise<HealthIndicatorResult> {
    const session = this.health.check('runs');
    const limitMinutes = this.config.monitoring.stalledRunMinutes;
    try {
      const { rows } = await withinTimeout(
        'PostgreSQL',
        runSqlFile<{ run_id: string; idle_minutes: number }>(this.pool, 'monitoring/stalled_runs', [limitMinutes]),
      );
      if (rows.length === 0) return session.up({ stalledRuns: [], limitMinutes });
      const stalledRuns = rows.map((r) => ({ runId: r.run_id, idleMinutes: Math.round(r.idle_minutes) }));
      return session.down({
        message: `run(s) ${rows.map((r) => r.run_id).join(', ')} made no progress for over ${limitMinutes} min`,
        stalledRuns,
        limitMinutes,
      });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}
