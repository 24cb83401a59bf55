import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Pool } from 'pg';
import { runSqlFile } from '@ecom/db';
import { AppConfig } from '@ecom/config';
import { OPS_WORKER } from '@ecom/contracts';
import { StageRuntime, pingQueueStore, queueStoreLocation, withinTimeout } from '@ecom/pipeline';

@Injectable()
export class PipelineHealthIndicators {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly pool: Pool,
    private readonly runtime: StageRuntime,
    private readonly config: AppConfig,
    private readonly modules: ModuleRef,
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
   * Workers connected per operations queue (the ops worker's): down while any has none, since
   * then the schedules do not fire, monitoring does not alert, alerts are not delivered and
   * retention does not run; nothing else would say so.
   */
  async opsWorker(): Promise<HealthIndicatorResult> {
    const session = this.health.check('opsWorker');
    try {
      const counts = await withinTimeout(
        this.storeLabel,
        Promise.all(OPS_WORKER.queues.map(async (name) => [name, await this.modules.get<Queue>(getQueueToken(name), { strict: false }).getWorkersCount()] as const)),
      );
      const perQueue = Object.fromEntries(counts);
      const idleQueues = counts.filter(([, count]) => count === 0).map(([name]) => name);
      if (idleQueues.length > 0) {
        return session.down({
          message: `no ${OPS_WORKER.app} consumes queue(s) ${idleQueues.join(', ')}: schedules, monitoring alerts, alert delivery or retention are not running`,
          perQueue,
          idleQueues,
        });
      }
      return session.up({ perQueue, idleQueues });
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
