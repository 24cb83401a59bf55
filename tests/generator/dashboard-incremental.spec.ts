import type { RunReport } from '@ecom/contracts';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { DashboardSummariesRepository } from '../../apps/analytics/src/dashboard-summaries/dashboard-summaries.repository';
import { PipelineApiClient } from '../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';

const SUMMARY_TABLES = [
  'categories', 'places', 'products', 'customers', 'sales_cells', 'customer_days', 'product_days', 'discount_cells',
  'customer_firsts', 'customer_months', 'customer_years', 'sales_months', 'product_months', 'product_years',
  'customer_year_months', 'return_days',
] as const;

/**
 * The analytics stage refreshes the dashboard's summaries incrementally after a daily delta: the
 * rows it leaves must be exactly those a full rebuild of the same warehouse writes, table by table,
 * duplicates included (EXCEPT ALL both ways).
 */
describe('incremental dashboard refresh', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let client: PipelineApiClient;

  const run = async (body: Record<string, unknown>): Promise<RunReport> => {
    const { runId } = await client.startRun(body);
    const report = await client.waitForRun(runId, undefined, { intervalMs: 200, timeoutMs: 120_000 });
    expect({ runId, status: report.status, error: report.error ?? null }).toEqual({ runId, status: 'succeeded', error: null });
    return report;
  };
  const refreshOf = async (runId: string) =>
    (await env.pool.query<{ refresh: { mode: string; fullReason: string | null; touchedDays: number | null } }>(
      "SELECT detail -> 'dashboardRefresh' AS refresh FROM ops.run_stages WHERE run_id = $1 AND stage = 'analytics'",
      [runId],
    )).rows[0].refresh;

  /** Per table, the rows only the incremental refresh has and the rows only a full rebuild has. */
  const differencesFromFullRebuild = async (runId: string) => {
    const db = await env.pool.connect();
    try {
      await db.query('BEGIN');
      for (const table of SUMMARY_TABLES) {
        await db.query(`CREATE TEMP TABLE kept_${table} ON COMMIT DROP AS SELECT * FROM dashboard.${table}`);
      }
      const full = await new DashboardSummariesRepository().refresh(db, runId, { forceFull: true });
      expect(full.mode).toBe('full');
      const differences: Record<string, { onlyIncremental: number; onlyFull: number; rows: number }> = {};
      for (const table of SUMMARY_TABLES) {
        const count = async (sql: string) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) AS d`)).rows[0].n);
        differences[table] = {
          onlyIncremental: await count(`SELECT * FROM pg_temp.kept_${table} EXCEPT ALL SELECT * FROM dashboard.${table}`),
          onlyFull: await count(`SELECT * FROM dashboard.${table} EXCEPT ALL SELECT * FROM pg_temp.kept_${table}`),
          rows: await count(`SELECT * FROM dashboard.${table}`),
        };
      }
      return differences;
    } finally {
      // The reference rebuild must not replace what the stage committed.
      await db.query('ROLLBACK');
      db.release();
    }
  };

  const expectSameAsFullRebuild = async (runId: string) => {
    const differences = await differencesFromFullRebuild(runId);
    for (const [table, d] of Object.entries(differences)) {
      expect({ table, onlyIncremental: d.onlyIncremental, onlyFull: d.onlyFull }).toEqual({ table, onlyIncremental: 0, onlyFull: 0 });
    }
    expect(differences.customer_months.rows).toBeGreaterThan(0);
    expect(differences.product_years.rows).toBeGreaterThan(0);
    expect(differences.customer_year_months.rows).toBeGreaterThan(0);
  };

  beforeAll(async () => {
    env = await createTestEnv('dashboard_incremental', { generator: { partSize: 2000 } });
    pipeline = await startPipeline(env.config);
    client = new PipelineApiClient(pipeline.baseUrl);
  });
  afterAll(async () => {
    await pipeline?.close();
    await env.teardown();
  });

  it('rebuilds in full on the first load, then refreshes each daily delta incrementally to the same rows', async () => {
    const base = await run({ customers: 800, products: 200, transactions: 3000, seed: 77, startDate: '2024-01-01', endDate: '2024-12-31' });
    expect(await refreshOf(base.runId)).toMatchObject({ mode: 'full', fullReason: 'no summaries of a load yet' });

    for (const body of [{ mode: 'incremental', days: 2 }, { mode: 'incremental' }]) {
      const delta = await run(body);
      const refresh = await refreshOf(delta.runId);
      expect(refresh).toMatchObject({ mode: 'incremental', fullReason: null });
      expect(refresh.touchedDays).toBeGreaterThan(0);
      await expectSameAsFullRebuild(delta.runId);
    }
  });

  it("loads and refreshes a delta while a reader's transaction stays open across it: only a transform holds a load back", async () => {
    // As an analyst's session left open in psql: begun before the delta's transform, still open
    // when its warehouse load cuts the window.
    const reader = await env.pool.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT 1');
      const delta = await run({ mode: 'incremental' });
      const refresh = await refreshOf(delta.runId);
      expect(refresh).toMatchObject({ mode: 'incremental', fullReason: null });
      expect(refresh.touchedDays).toBeGreaterThan(0);
    } finally {
      await reader.query('ROLLBACK');
      reader.release();
    }
  });

  it('rebuilds in full for a rebuild run', async () => {
    const rebuild = await run({ mode: 'rebuild' });
    expect(await refreshOf(rebuild.runId)).toMatchObject({ mode: 'full', fullReason: 'rebuild run' });
    await expectSameAsFullRebuild(rebuild.runId);
  });
});

