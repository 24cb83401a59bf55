import { WorkerHost } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';
import type { Pool } from 'pg';
import { redactSecrets } from '@ecom/config';
import { pingQueueStore } from './queue-store';
import { withinTimeout } from './within-timeout';

/** One BullMQ worker of the process, as GET /healthz shows it. */
export interface WorkerStatus {
  queue: string;
  /** Its main loop runs: false before it started, once it stopped or paused, or when the loop died. */
  running: boolean;
  /** close() was called: it finishes its jobs and takes no new ones. */
  closing: boolean;
  /** The queue store answered a round trip through this worker's own connection, just now. */
  connected: boolean;
  /** The last time it did (this probe or an earlier one); null: not once since the process started. */
  lastConnectedAt: string | null;
  error?: string;
}

export interface WorkerHealthReport {
  /** Every worker running, not closing and connected, and the app's own database pool answering. */
  healthy: boolean;
  workers: WorkerStatus[];
  database: { connected: boolean; error?: string };
}

/**
 * The BullMQ workers of an application context: one per @Processor (a stage app has one).
 * @nestjs/bullmq creates them when the context initialises and keeps them on each WorkerHost.
 */
export function workersOf(app: INestApplicationContext): Worker[] {
  return app
    .get(DiscoveryService, { strict: false })
    .getProviders()
    .flatMap((wrapper) => {
      const instance: unknown = wrapper.instance;
      if (!(instance instanceof WorkerHost)) return [];
      try {
        return [instance.worker as Worker];
      } catch {
        // A processor whose worker was never created (manual registration): nothing to report.
        return [];
      }
    });
}

/**
 * What a container healthcheck needs to tell a worker that works from one that only exists:
 * PostgreSQL and Redis answering a separate client say nothing about this process, whose main
 * loop may have died or whose connections may be wedged. So each probe asks every worker of the
 * process for its own state and sends a round trip through its own connection, bounded by
 * `timeoutMs` (ioredis holds a command to a lost Redis without end), and one through the app's pool.
 */
export class WorkerHealth {
  private readonly lastConnected = new Map<Worker, Date>();

  constructor(
    private readonly workers: readonly Worker[],
    private readonly pool: Pool,
    private readonly timeoutMs = 3000,
  ) {}

  async check(): Promise<WorkerHealthReport> {
    const [workers, database] = await Promise.all([Promise.all(this.workers.map((worker) => this.workerStatus(worker))), this.databaseStatus()]);
    const healthy = workers.length > 0 && workers.every((w) => w.running && !w.closing && w.connected) && database.connected;
    return { healthy, workers, database };
  }

  private async workerStatus(worker: Worker): Promise<WorkerStatus> {
    const running = worker.isRunning();
    const closing = worker.closing !== undefined;
    let error: string | undefined;
    try {
      await withinTimeout(`the queue store of worker ${worker.name}`, pingQueueStore(worker), this.timeoutMs);
      this.lastConnected.set(worker, new Date());
    } catch (e) {
      error = redactSecrets((e as Error).message);
    }
    const last = this.lastConnected.get(worker);
    return {
      queue: worker.name,
      running,
      closing,
      connected: error === undefined,
      lastConnectedAt: last ? last.toISOString() : null,
      ...(error === undefined ? {} : { error }),
    };
  }

  private async databaseStatus(): Promise<WorkerHealthReport['database']> {
    try {
      await withinTimeout('PostgreSQL', this.pool.query('SELECT 1'), this.timeoutMs);
      return { connected: true };
    } catch (e) {
      return { connected: false, error: redactSecrets((e as Error).message) };
    }
  }
}
