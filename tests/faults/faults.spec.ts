import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client, type Pool } from 'pg';
import { Redis } from 'ioredis';
import { loadConfig, type AppConfig, type QueueBackend } from '@ecom/config';
import { OPS_QUEUES, STAGES, stageJobId, type RunReport, type Stage } from '@ecom/contracts';
import { createPool, migrateDatabase } from '@ecom/db';
import { StageRuntime, createWorkerContext } from '@ecom/pipeline';
import { createApiApp } from '../../apps/api/src/create-app';
import { OpsWorkerAppModule } from '../../apps/ops-worker/src/app.module';
import { PipelineApiClient } from '../../tools/api-client';
import { OwnPostgres, OwnRedis, TableLock, WorkerProcesses, until, warehouseFingerprint } from './harness';

/**
 * The faults an operator meets, each on a run of its own against a clean run's warehouse: every
 * stage worker killed with SIGKILL in the middle of its stage, PostgreSQL restarted during the
 * transform and during the warehouse load (and during the transform once more with the queues in
 * PostgreSQL: QUEUE_BACKEND=postgres), a Redis without persistence restarted while a job runs and
 * while one waits. Each run must finish by itself with every warehouse table identical to the
 * clean run's (warehouseFingerprint), and no worker may die of a fault it was not sent.
 *
 * The suite runs its own PostgreSQL cluster and Redis (harness.ts), so it can restart them; the
 * api runs in this process, each stage worker as its own process (the built apps), so it can be
 * killed. A stage is caught mid-job by holding a lock on a table it writes (TableLock). The
 * workers live through the whole suite (starting six Node processes costs more than a run of
 * this size): between scenarios the database is dropped with FORCE and copied again from a
 * migrated template, and the suite's own Redis is emptied.
 */

const ORDERS = { customers: 300, products: 60, transactions: 2000, seed: 11, startDate: '2024-01-01', endDate: '2024-12-31' };

/** A table each stage writes inside its job's transaction, and no earlier stage writes. */
const STAGE_TABLE: Record<Stage, string> = {
  generate: 'ops.stage_tasks',
  ingest: 'staging.customers',
  validate: 'ops.quality_checks',
  transform: 'production.customers',
  warehouse: 'warehouse.fact_sales',
  analytics: 'ops.analysis_results',
};

/** Short locks and a fast reconciler: recovery in seconds, not the production minutes. */
const RECOVERY = { reconcileSeconds: 1, jobLockSeconds: 2 };

interface Scenario {
  runId: string;
  pool: Pool;
  runtime: StageRuntime;
  api: INestApplication;
}

interface Outcome {
  report: RunReport;
  fingerprint: Record<string, string>;
  unexpectedExits: string[];
}

describe('faults: the pipeline finishes by itself, and loses or duplicates nothing', () => {
  let pg: OwnPostgres;
  let redis: OwnRedis;
  let workers: WorkerProcesses;
  let databaseUrl: string;
  let clean: Outcome;
  const dataRoot = mkdtempSync(join(tmpdir(), 'ecom-faults-data-'));
  const queuePrefix = 'faults';
  // The workers' output and the suite's phases, for when a scenario fails.
  const logFile = join(tmpdir(), `ecom-faults-${process.pid}.log`);

  beforeAll(async () => {
    [pg, redis] = await Promise.all([OwnPostgres.start(), OwnRedis.start()]);
    // Every scenario's database is a copy of this migrated one: CREATE DATABASE ... TEMPLATE.
    await migrateDatabase(pg.url('ecom_template'));
    databaseUrl = pg.url('ecom_faults');
    await freshState();
    workers = new WorkerProcesses(workerEnv('redis'), logFile);
    clean = await scenario('clean', async () => undefined);
  }, 180_000);

  afterAll(async () => {
    await workers?.stopAll();
    await redis?.stop();
    pg?.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  /** What every worker process is started with: the suite's own servers, fast recovery settings. */
  function workerEnv(backend: QueueBackend): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      QUEUE_BACKEND: backend,
      QUEUE_PREFIX: queuePrefix,
      DATA_ROOT: dataRoot,
      SOURCE_ROOTS: dataRoot,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      RECOVERY_JOB_LOCK_SECONDS: String(RECOVERY.jobLockSeconds),
      RECOVERY_RECONCILE_SECONDS: String(RECOVERY.reconcileSeconds),
    };
  }

  async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: pg.url('postgres') });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** An empty, migrated database and an empty Redis; the workers' connections to the old database are cut. */
  async function freshState(): Promise<void> {
    await admin(async (c) => {
      await c.query('DROP DATABASE IF EXISTS ecom_faults WITH (FORCE)');
      await c.query('CREATE DATABASE ecom_faults TEMPLATE ecom_template');
    });
    const client = new Redis(redis.url);
    try {
      await client.flushall();
    } finally {
      client.disconnect();
    }
  }

  /**
   * A fresh database and Redis, the workers (all but `stopped`), the api, one run with `fault`
   * applied. On the postgres queue backend a set of workers of its own runs for the scenario only.
   */
  async function scenario(
    name: string,
    fault: (s: Scenario) => Promise<void>,
    options: { stopped?: Stage[]; backend?: QueueBackend } = {},
  ): Promise<Outcome> {
    if (name !== 'clean') await freshState();
    const backend = options.backend ?? 'redis';
    const set = backend === 'redis' ? workers : new WorkerProcesses(workerEnv(backend), logFile.replace(/\.log$/, `-${name}.log`));
    set.note(`== ${name}`);
    for (const stage of STAGES) {
      if (options.stopped?.includes(stage)) await set.stop(stage);
      else if (!set.isRunning(stage)) set.start(stage);
    }
    const config: AppConfig = loadConfig({
      env: {},
      overrides: {
        databaseUrl,
        redisUrl: redis.url,
        queueBackend: backend,
        queuePrefix,
        dataRoot,
        port: 0,
        logLevel: 'warn',
        schedules: { pipeline: { enabled: false } },
        recovery: RECOVERY,
        sourceRoots: [dataRoot],
      },
    });
    const pool = createPool(databaseUrl, { max: 3 });
    let api: INestApplication | undefined;
    let ops: INestApplicationContext | undefined;
    const began = Date.now();
    const phase = (what: string) => set.note(`${((Date.now() - began) / 1000).toFixed(1)} s: ${what}`);
    try {
      // The ops worker runs the reconciler that re-queues lost jobs and re-creates lost schedulers.
      ops = await createWorkerContext(OpsWorkerAppModule.forRoot, config, false, 'ops-worker');
      api = await createApiApp(config);
      api.useLogger(false);
      await api.listen(0, '127.0.0.1');
      const runtime = api.get(StageRuntime);
      await until(
        async () => {
          const counts = await runtime.workersPerStage();
          return STAGES.every((stage) => options.stopped?.includes(stage) || counts[stage] > 0) ? true : undefined;
        },
        'every stage worker to connect',
        60_000,
        200,
      );
      phase('every worker connected');
      const { port } = api.getHttpServer().address() as { port: number };
      const client = new PipelineApiClient(`http://127.0.0.1:${port}`);
      const { runId } = await client.startRun(ORDERS);
      await fault({ runId, pool, runtime, api });
      phase('fault applied');
      const report = await client.waitForRun(runId, undefined, { intervalMs: 200, timeoutMs: 120_000 });
      phase(`run ${report.status}: ${report.stages.map((st) => `${st.stage} ${st.durationMs} ms x${st.attempts}`).join(', ')}`);
      const unexpectedExits = set.unexpectedExits.splice(0);
      return { report, fingerprint: await warehouseFingerprint(pool), unexpectedExits };
    } finally {
      await api?.close();
      await ops?.close();
      await pool.end();
      if (set !== workers) await set.stopAll();
    }
  }

  function expectRecovered(outcome: Outcome): void {
    expect(outcome.unexpectedExits).toEqual([]);
    expect({ status: outcome.report.status, error: outcome.report.error }).toEqual({ status: 'succeeded', error: null });
    expect(outcome.fingerprint).toEqual(clean.fingerprint);
  }

  it('runs clean: the reference every fault is compared with', () => {
    expect(clean.report.status).toBe('succeeded');
    expect(clean.unexpectedExits).toEqual([]);
    expect(Number(clean.fingerprint.fact_sales.split(' ')[0])).toBeGreaterThan(2000);
  });

  it('survives kill -9 of each stage worker in the middle of its stage (a new worker of the stage already running)', async () => {
    const outcome = await scenario('kill-each', async ({ pool, runtime }) => {
      let lock = await TableLock.take(databaseUrl, STAGE_TABLE.generate);
      for (const [index, stage] of STAGES.entries()) {
        await TableLock.waiter(pool, STAGE_TABLE[stage]);
        const next = STAGES[index + 1];
        // The next stage's lock before this one's goes: it cannot start until this one is done.
        const nextLock = next ? await TableLock.take(databaseUrl, STAGE_TABLE[next]) : undefined;
        // The replacement is started first, so the time a Node process takes to boot is not the
        // test's: what is measured is how soon the killed worker's job is taken back.
        await workers.replaceWithKill9(stage, () =>
          until(async () => ((await runtime.workersPerStage())[stage] >= 2 ? true : undefined), `a second ${stage} worker`, 60_000, 100).then(() => undefined),
        );
        await lock.release();
        if (nextLock) lock = nextLock;
      }
    });
    expectRecovered(outcome);
  });

  it.each([['transform'], ['warehouse']] as const)('survives a PostgreSQL restart (pg_ctl restart -m fast) during the %s stage', async (stage) => {
    const outcome = await scenario(`pg-restart-${stage}`, async ({ pool }) => {
      const lock = await TableLock.take(databaseUrl, STAGE_TABLE[stage]);
      await TableLock.waiter(pool, STAGE_TABLE[stage]);
      pg.restart();
      await lock.release();
    });
    expectRecovered(outcome);
    // The stage's job failed on the lost connection and was retried.
    expect(outcome.report.stages.find((s) => s.stage === stage)?.attempts).toBeGreaterThan(1);
  });

  it('survives a PostgreSQL restart during the transform stage with the queues in PostgreSQL too (QUEUE_BACKEND=postgres)', async () => {
    const outcome = await scenario(
      'pg-queues-restart-transform',
      async ({ pool }) => {
        const lock = await TableLock.take(databaseUrl, STAGE_TABLE.transform);
        await TableLock.waiter(pool, STAGE_TABLE.transform);
        pg.restart();
        await lock.release();
      },
      { backend: 'postgres' },
    );
    expectRecovered(outcome);
    expect(outcome.report.stages.find((s) => s.stage === 'transform')?.attempts).toBeGreaterThan(1);
  });

  it('survives a Redis restart without persistence while a stage job runs', async () => {
    const outcome = await scenario('redis-restart-running', async ({ pool }) => {
      const lock = await TableLock.take(databaseUrl, STAGE_TABLE.transform);
      await TableLock.waiter(pool, STAGE_TABLE.transform);
      await redis.restart();
      await lock.release();
    });
    expectRecovered(outcome);
  });

  it('survives a Redis restart without persistence while a stage job waits: the reconciler re-queues it and re-creates the schedulers', async () => {
    const outcome = await scenario(
      'redis-restart-waiting',
      async ({ runId, runtime, api }) => {
        const transform = runtime.queue('transform');
        const waiting = await until(
          async () => {
            const job = await transform.getJob(stageJobId(runId, 'transform'));
            return (await job?.getState()) === 'waiting' ? job : undefined;
          },
          'the transform job to wait (no transformer running)',
          60_000,
        );
        await redis.restart();
        // Redis lost the job: it is gone, or the reconciler (every second here) has already queued
        // it again, as a new job added after the restart.
        const after = await transform.getJob(stageJobId(runId, 'transform'));
        expect({ lost: after === undefined || after.timestamp > waiting.timestamp }).toEqual({ lost: true });
        workers.start('transform');
        // The monitoring schedule is enabled: its scheduler comes back too.
        const monitoring = api.get<Queue>(getQueueToken(OPS_QUEUES.monitoring));
        await until(async () => ((await monitoring.getJobScheduler('monitoring')) ? true : undefined), 'the monitoring scheduler to come back', 30_000, 200);
      },
      { stopped: ['transform'] },
    );
    expectRecovered(outcome);
  });
});
