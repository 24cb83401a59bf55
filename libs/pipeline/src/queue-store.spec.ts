import { Logger } from '@nestjs/common';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { QUEUES, STAGES } from '@ecom/contracts';
import { createTestEnv, waitFor, type TestEnv } from '@ecom/testing';
import {
  QUEUE_POOL,
  QueueStoreWorker,
  WORKER_POOL,
  clearQueueStore,
  closeQueueConnection,
  pingQueueStore,
  queueBackendOf,
  queueConnection,
  queueSchemaName,
} from './queue-store';

describe('queueSchemaName: the postgres backend keeps a prefix in a schema of its own', () => {
  it('maps a prefix to bullmq_ and its lowercase, other characters as _', () => {
    expect(queueSchemaName('ecom')).toBe('bullmq_ecom');
    expect(queueSchemaName('Ecom-bench-123')).toBe('bullmq_ecom_bench_123');
    expect(queueSchemaName('a.b')).toBe('bullmq_a_b');
  });

  it('keeps long prefixes apart within 48 characters', () => {
    const a = queueSchemaName(`test-${'x'.repeat(60)}-1`);
    const b = queueSchemaName(`test-${'x'.repeat(60)}-2`);
    expect(a).toHaveLength(48);
    expect(b).toHaveLength(48);
    expect(a).not.toBe(b);
  });
});

/** Sessions of one queue schema in pg_stat_activity: the shared pool, worker pools, LISTEN. */
async function sessions(client: Client, schema: string): Promise<Array<{ name: string; count: number }>> {
  const { rows } = await client.query<{ name: string; count: number }>(
    `SELECT application_name AS name, count(*)::int AS count FROM pg_stat_activity
      WHERE datname = current_database() AND starts_with(application_name, $1 || ':')
      GROUP BY 1 ORDER BY 1`,
    [schema],
  );
  return rows;
}

describe('the postgres queue backend, whatever QUEUE_BACKEND says', () => {
  let env: TestEnv;
  let admin: Client;

  beforeAll(async () => {
    env = await createTestEnv('pipeline_queue_store', { queueBackend: 'postgres' });
    admin = new Client({ connectionString: env.config.databaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await env.teardown();
  });

  it('keeps the queues in the schema of the queue prefix, in the pipeline database, and pings it', async () => {
    const connection = queueConnection(env.config);
    const queue = new Queue(QUEUES.validate, { connection, prefix: env.config.queuePrefix });
    try {
      await queue.add('run', { runId: 'r1' }, { jobId: 'r1-validate' });
      expect(queueBackendOf(queue)).toBe('postgres');
      expect(await pingQueueStore(queue)).toBe('SELECT 1');
      const schema = queueSchemaName(env.config.queuePrefix);
      const tables = await admin.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`, [schema]);
      expect(tables.rows[0].n).toBeGreaterThan(0);
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    } finally {
      await queue.close();
      await closeQueueConnection(connection);
    }
  });

  it("holds one small pool for a process's queues, one connection and a LISTEN per worker, and nothing once closed", async () => {
    const connection = queueConnection(env.config);
    const schema = queueSchemaName(env.config.queuePrefix);
    const queues = STAGES.map((stage) => new Queue(QUEUES[stage], { connection, prefix: env.config.queuePrefix }));
    let done = 0;
    const workers = [QUEUES.ingest, QUEUES.transform].map(
      (name) =>
        new Worker(
          name,
          async () => {
            done++;
          },
          { connection, prefix: env.config.queuePrefix, concurrency: 2 },
        ),
    );
    try {
      await Promise.all(workers.map((w) => w.waitUntilReady()));
      // Every queue busy at once: each would open a pool of its own without the shared connection.
      await Promise.all(
        queues.flatMap((queue) => Array.from({ length: 20 }, (_, i) => queue.add('part', { i }, { jobId: `${queue.name}-${i}` }))),
      );
      await waitFor(async () => (done === 40 ? true : undefined), 'the workers to finish 40 jobs');
      const open = await sessions(admin, schema);
      const pool = open.find((s) => s.name === `${schema}:pool`)?.count ?? 0;
      expect(pool).toBeLessThanOrEqual(QUEUE_POOL.max + workers.length * WORKER_POOL.max);
      expect(open.filter((s) => s.name !== `${schema}:pool`)).toEqual([
        { name: `${schema}:${QUEUES.ingest}`, count: 1 },
        { name: `${schema}:${QUEUES.transform}`, count: 1 },
      ]);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(queues.map((q) => q.close()));
      await closeQueueConnection(connection);
    }
    expect(await waitFor(async () => ((await sessions(admin, schema)).length === 0 ? [] : undefined), 'every queue session to close')).toEqual([]);
  });

  it('caps the shared pool at dbPoolMax when that is lower than QUEUE_POOL.max', async () => {
    const small = queueConnection({ ...env.config, dbPoolMax: 2 });
    expect((small as { max?: number }).max).toBe(2);
    await closeQueueConnection(small);
    const large = queueConnection({ ...env.config, dbPoolMax: 50 });
    expect((large as { max?: number }).max).toBe(QUEUE_POOL.max);
    await closeQueueConnection(large);
  });

  it('shares one pool among the apps of a process, closed by the last of them', async () => {
    const schema = queueSchemaName(env.config.queuePrefix);
    const first = queueConnection(env.config);
    const second = queueConnection({ ...env.config });
    expect(second).toBe(first);
    const a = new Queue(QUEUES.generate, { connection: first });
    const b = new Queue(QUEUES.ingest, { connection: second });
    await Promise.all([a.add('plan', { runId: 'r3' }), b.add('plan', { runId: 'r3' })]);
    await a.close();
    await closeQueueConnection(first);
    // The other app's queues still work on the shared pool.
    expect(await b.getJobCounts('waiting')).toEqual({ waiting: 1 });
    await b.close();
    await closeQueueConnection(second);
    expect(await waitFor(async () => ((await sessions(admin, schema)).length === 0 ? [] : undefined), 'the shared pool to close')).toEqual([]);
  });

  it("counts only its own schema's workers when two prefixes share one database", async () => {
    const other = { ...env.config, queuePrefix: `${env.config.queuePrefix}-other` };
    const connection = queueConnection(env.config);
    const otherConnection = queueConnection(other);
    const worker = new Worker(QUEUES.generate, async () => undefined, { connection: otherConnection });
    const mine = new Queue(QUEUES.generate, { connection });
    const theirs = new Queue(QUEUES.generate, { connection: otherConnection });
    try {
      await worker.waitUntilReady();
      await waitFor(async () => ((await theirs.getWorkersCount()) === 1 ? true : undefined), 'the other prefix to see its worker');
      expect(await mine.getWorkersCount()).toBe(0);
    } finally {
      await worker.close();
      await Promise.all([mine.close(), theirs.close()]);
      await Promise.all([closeQueueConnection(connection), closeQueueConnection(otherConnection)]);
      await clearQueueStore(other);
    }
  });

  it('backs a worker off when the database refuses it, instead of retrying at once', async () => {
    const missing = new URL(env.config.databaseUrl);
    missing.pathname = '/ecom_test_queue_store_no_such_db';
    const connection = queueConnection({ ...env.config, databaseUrl: missing.toString() });
    const errors: string[] = [];
    const worker = new Worker(QUEUES.generate, async () => undefined, { connection, runRetryDelay: 3_000 });
    worker.on('error', (error) => errors.push(error.message));
    // Every fetch attempt after the first refusal asks the backend's pool for a connection.
    const pool = (worker.getBackend() as unknown as { connection: { pool: { connect: (...args: unknown[]) => unknown } } }).connection.pool;
    const attempts: number[] = [];
    const connect = pool.connect.bind(pool);
    pool.connect = (...args: unknown[]) => {
      attempts.push(Date.now());
      return connect(...args);
    };
    try {
      await waitFor(async () => (attempts.length >= 2 ? true : undefined), 'two more connection attempts');
      // Without the back-off the attempts follow each other within milliseconds: every fetch
      // fails at once and is retried at once.
      expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(2_500);
      expect(errors[0]).toMatch(/does not exist/);
    } finally {
      await worker.close(true);
      await closeQueueConnection(connection);
    }
  });

  it("logs a worker's queue-store errors as one warning line per interval, never as bullmq's raw unhandled-error stack", async () => {
    const missing = new URL(env.config.databaseUrl);
    missing.pathname = '/ecom_test_queue_store_no_such_db_2';
    const connection = queueConnection({ ...env.config, databaseUrl: missing.toString() });
    const warnings: string[] = [];
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    // No listener of the test's own: the worker's own must take the error.
    const worker = new QueueStoreWorker(QUEUES.generate, async () => undefined, { connection, runRetryDelay: 500 });
    try {
      await waitFor(async () => (warnings.length >= 1 ? true : undefined), 'the first warning');
      // More errors within STORE_ERROR_LOG_MS add no line (a store that stays away errs on every retry).
      worker.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      worker.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^worker of queue generate: .*does not exist; it goes on once its queue store answers$/);
      expect(stderr.mock.calls.map((call) => String(call[0]))).not.toContainEqual(expect.stringMatching(/Unhandled error/));
    } finally {
      await worker.close(true);
      await closeQueueConnection(connection);
      warn.mockRestore();
      stderr.mockRestore();
    }
  });

  it('clears a prefix by dropping its schema, and leaves a dropped database alone', async () => {
    const connection = queueConnection(env.config);
    const queue = new Queue(QUEUES.analytics, { connection });
    await queue.add('run', { runId: 'r2' });
    await queue.close();
    await closeQueueConnection(connection);
    await clearQueueStore(env.config);
    const schemas = await admin.query(`SELECT nspname FROM pg_namespace WHERE nspname = $1`, [queueSchemaName(env.config.queuePrefix)]);
    expect(schemas.rows).toEqual([]);
    const gone = new URL(env.config.databaseUrl);
    gone.pathname = '/ecom_test_queue_store_never_created';
    await expect(clearQueueStore({ ...env.config, databaseUrl: gone.toString() })).resolves.toBeUndefined();
  });
});

describe('the redis queue backend, whatever QUEUE_BACKEND says', () => {
  let env: TestEnv;
  let connection: ConnectionOptions;

  beforeAll(async () => {
    env = await createTestEnv('pipeline_queue_store_redis', { queueBackend: 'redis' });
    connection = queueConnection(env.config);
  });
  afterAll(async () => {
    await env.teardown();
  });

  it('pings Redis through a queue and clears its prefix', async () => {
    const queue = new Queue(QUEUES.validate, { connection, prefix: env.config.queuePrefix });
    await queue.add('run', { runId: 'r1' });
    expect(queueBackendOf(queue)).toBe('redis');
    expect(await pingQueueStore(queue)).toBe('PONG');
    await queue.close();
    await clearQueueStore(env.config);
    const redis = new Redis(env.config.redisUrl);
    try {
      expect(await redis.keys(`${env.config.queuePrefix}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
