import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { loadConfig, type AppConfig } from '@ecom/config';
import type { DashboardStatus, RunReport } from '@ecom/contracts';
import { createPool, migrateDatabase, withTransaction } from '@ecom/db';
import { clearQueueStore } from '@ecom/pipeline';
import { testQueueBackend } from '@ecom/testing';
import { DashboardSummariesRepository } from '../../apps/analytics/src/dashboard-summaries/dashboard-summaries.repository';
import { PipelineApiClient } from '../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';
import { OwnPostgres, warehouseFingerprint } from './harness';

/**
 * The dashboard's summaries are UNLOGGED (migration 0057): PostgreSQL writes no log for them and
 * empties them when it recovers from a crash. On a cluster of the suite's own, stopped with
 * `pg_ctl stop -m immediate` (a crash as PostgreSQL sees it): the warehouse survives whole, the
 * summaries and their record are empty, the badge and the monitoring check say so, and the next run (a one-day delta)
 * rebuilds them in full, to exactly the rows a forced full refresh gives.
 */

const ORDERS = { customers: 300, products: 60, transactions: 2000, seed: 11, startDate: '2024-01-01', endDate: '2024-12-31' };

/** Row count and md5 of every row of each dashboard table but refresh_state. */
async function summaries(pool: Pool): Promise<Record<string, string>> {
  const { rows: tables } = await pool.query<{ name: string }>(
    `SELECT relname AS name FROM pg_class WHERE relnamespace = 'dashboard'::regnamespace AND relkind = 'r' AND relname <> 'refresh_state' ORDER BY 1`,
  );
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await pool.query<{ n: string; digest: string | null }>(
      `SELECT count(*) AS n, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS digest FROM dashboard.${name} t`,
    );
    result[name] = `${rows[0].n} rows ${rows[0].digest ?? '-'}`;
  }
  return result;
}

describe('a crash of PostgreSQL empties the dashboard summaries; the next run rebuilds them', () => {
  let pg: OwnPostgres;
  let config: AppConfig;
  let pipeline: RunningPipeline | undefined;
  let pool: Pool | undefined;
  const dataRoot = mkdtempSync(join(tmpdir(), 'ecom-crash-data-'));

  const run = async (body: Record<string, unknown>): Promise<RunReport> => {
    const client = new PipelineApiClient(pipeline!.baseUrl);
    const { runId } = await client.startRun(body);
    return client.waitForRun(runId, undefined, { intervalMs: 100, timeoutMs: 120_000 });
  };
  const status = async (): Promise<DashboardStatus> => (await (await fetch(`${pipeline!.baseUrl}/dashboard/api/status`)).json()) as DashboardStatus;

  beforeAll(async () => {
    pg = await OwnPostgres.start();
    config = loadConfig({
      env: {},
      overrides: {
        databaseUrl: pg.url('ecom_crash'),
        redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        queueBackend: testQueueBackend(),
        queuePrefix: `test-crash-${process.pid}`,
        dataRoot,
        sourceRoots: [dataRoot],
        port: 0,
        logLevel: 'warn',
        schedules: { pipeline: { enabled: false } },
        recovery: { reconcileSeconds: 0, jobLockSeconds: 30 },
      },
    });
    await migrateDatabase(config.databaseUrl);
  }, 120_000);

  afterAll(async () => {
    await pipeline?.close();
    await pool?.end();
    await clearQueueStore(config).catch(() => undefined);
    pg?.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('keeps the warehouse, empties the summaries and says so, then rebuilds them in full on the next run', async () => {
    pipeline = await startPipeline(config);
    const first = await run(ORDERS);
    expect(first.status).toBe('succeeded');
    pool = createPool(config.databaseUrl, { max: 3 });
    const warehouse = await warehouseFingerprint(pool);
    const built = await summaries(pool);
    expect(Number(built.sales_cells.split(' ')[0])).toBeGreaterThan(0);
    expect(await status()).toEqual({ lastSuccessfulRun: expect.objectContaining({ runId: first.runId }), summariesLost: false });
    await pipeline.close();
    pipeline = undefined;
    await pool.end();
    pool = undefined;

    pg.crash();
    // Recovery ran: the server found it had not been shut down.
    expect(pg.log()).toMatch(/database system was not properly shut down; automatic recovery in progress/);

    pool = createPool(config.databaseUrl, { max: 3 });
    expect(await warehouseFingerprint(pool)).toEqual(warehouse);
    const emptied = await summaries(pool);
    expect(Object.keys(emptied)).toEqual(Object.keys(built));
    expect(Object.values(emptied).every((s) => s === '0 rows -')).toBe(true);
    expect((await pool.query('SELECT * FROM dashboard.refresh_state')).rows).toEqual([]);

    pipeline = await startPipeline(config);
    expect(await status()).toEqual({ lastSuccessfulRun: null, summariesLost: true });
    const monitoring = (await (await fetch(`${pipeline.baseUrl}/monitoring`)).json()) as { checks: Array<{ name: string; status: string }> };
    expect(monitoring.checks.find((c) => c.name === 'dashboard')).toMatchObject({ status: 'warning' });

    const delta = await run({ mode: 'incremental', days: 1 });
    expect({ status: delta.status, error: delta.error }).toEqual({ status: 'succeeded', error: null });
    const analytics = delta.stages.find((s) => s.stage === 'analytics')!;
    expect(analytics.detail).toMatchObject({ dashboardRefresh: { mode: 'full', fullReason: 'no summaries of a load yet' } });
    expect(await status()).toEqual({ lastSuccessfulRun: expect.objectContaining({ runId: delta.runId }), summariesLost: false });
    const after = (await (await fetch(`${pipeline.baseUrl}/monitoring`)).json()) as { checks: Array<{ name: string; status: string }> };
    expect(after.checks.find((c) => c.name === 'dashboard')).toMatchObject({ status: 'ok' });

    // Complete: what a forced full refresh of the same warehouse writes.
    const rebuilt = await summaries(pool);
    expect(Number(rebuilt.sales_cells.split(' ')[0])).toBeGreaterThan(0);
    const lanes = createPool(config.databaseUrl, { max: 3 });
    try {
      await withTransaction(lanes, (client) => new DashboardSummariesRepository().refreshOnLanes(client, lanes, delta.runId, { forceFull: true }));
    } finally {
      await lanes.end();
    }
    expect(await summaries(pool)).toEqual(rebuilt);
  });
});
