import { Pool } from 'pg';
import { AppConfig, QUEUE_BACKENDS, loadConfig, type DeepPartial, type QueueBackend } from '@ecom/config';
import { createPool, dropDatabase, migrateDatabase } from '@ecom/db';
import { clearQueueStore } from '@ecom/pipeline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BASE = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The queue backend of every suite: QUEUE_BACKEND (redis when unset), so CI can run the same suites
 * on both; a suite that tests one backend's own code passes `queueBackend` in its overrides.
 */
export function testQueueBackend(env: NodeJS.ProcessEnv = process.env): QueueBackend {
  const wanted = env.QUEUE_BACKEND || 'redis';
  if (!(QUEUE_BACKENDS as readonly string[]).includes(wanted)) {
    throw new Error(`QUEUE_BACKEND must be one of ${QUEUE_BACKENDS.join(', ')}, got ${JSON.stringify(wanted)}`);
  }
  return wanted as QueueBackend;
}

export interface TestEnv {
  config: AppConfig;
  pool: Pool;
  /** Drops the suite's queues (Redis keys or PostgreSQL schema), its database and its data folder. */
  teardown(): Promise<void>;
}

/**
 * Config overrides with no reject limit (quality.maxRejectPercent): for suites whose small
 * fixtures reject a large share of their rows on purpose to test something else. The limits
 * themselves are tested where they apply (libs/pipeline reject-gate, tests/tools/bench-reject-heavy).
 */
export const NO_REJECT_LIMITS = {
  quality: { maxRejectPercent: { customers: null, products: null, transactions: null, transaction_items: null } },
} satisfies DeepPartial<AppConfig>;

/**
 * A suite's own world: a fresh database `ecom_test_<suite>`, migrated; a BullMQ prefix of its
 * own (on Redis, or a schema of the suite's database with QUEUE_BACKEND=postgres); a temporary
 * data root. Suites run in parallel without seeing each other.
 */
export async function createTestEnv(suite: string, overrides: DeepPartial<AppConfig> = {}): Promise<TestEnv> {
  const safe = suite.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  // The pid keeps two checkouts (or a CI run beside a developer) from sharing a suite's database.
  const databaseUrl = `${PG_BASE}/ecom_test_${safe}_${process.pid}`;
  await dropDatabase(databaseUrl);
  await migrateDatabase(databaseUrl);
  const dataRoot = mkdtempSync(join(tmpdir(), `ecom-${safe}-`));
  const queuePrefix = `test-${safe}-${process.pid}`;
  const config = loadConfig({
    env: {},
    overrides: {
      databaseUrl,
      redisUrl: REDIS_URL,
      queueBackend: testQueueBackend(),
      queuePrefix,
      dataRoot,
      port: 0,
      logLevel: 'warn',
      // A suite that happens to run at 02:00 UTC must not get a scheduled run it did not ask for.
      schedules: { pipeline: { enabled: false } },
      // Specs set up runs in states the reconciler would repair; the ones about recovery turn it on.
      recovery: { reconcileSeconds: 0, jobLockSeconds: 30 },
      ...overrides,
      sourceRoots: [dataRoot, ...((overrides.sourceRoots as string[] | undefined) ?? [])],
    },
  });
  const pool = createPool(databaseUrl, { max: 4 });
  return {
    config,
    pool,
    async teardown() {
      await pool.end();
      await clearQueueStore(config);
      await dropDatabase(databaseUrl);
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}
