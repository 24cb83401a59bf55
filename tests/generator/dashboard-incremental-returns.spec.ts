import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '@ecom/contracts';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { DashboardSummariesRepository, SUMMARY_TABLES } from '../../apps/analytics/src/dashboard-summaries/dashboard-summaries.repository';
import { PipelineApiClient } from '../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';

/**
 * Returns (warehouse.fact_returns) come only from mapped exports. A shop's export loaded, then
 * deltas with new sales and credit notes (on the delta's day and on an earlier day without new
 * sales), then one delivering a credit note again with another quantity (same count of returns
 * per day: only the load's record of the days it wrote finds it): each delta's incremental
 * refresh must leave return_days, and every other summary, exactly as a full rebuild.
 */
describe('incremental dashboard refresh with returns', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let client: PipelineApiClient;

  const MAPPING = [
    'description: a small shop with credit notes (the dashboard refresh test)',
    'source: { files: "*.csv" }',
    'lines:',
    '  order_id: { column: Order }',
    '  ordered_at: { column: Date }',
    '  customer_id: { column: Customer }',
    '  product_id: { column: Product }',
    '  quantity: { column: Qty }',
    '  unit_price: { column: Price }',
    'status:',
    '  rules:',
    '    - { status: cancelled, column: Order, starts_with: C }',
    '  otherwise: sold',
    'customers:',
    '  first_name: { constant: Customer }',
    '  last_name: { template: "{customer_id}" }',
    '  email: { template: "customer-{customer_id}@shop.invalid" }',
    '  registration_date: { constant: "2024-01-01" }',
    '  country: { column: Country, pick: latest }',
    'products:',
    '  product_name: { template: "Product {product_id}" }',
    '  category: { constant: Toys }',
    '  price: { constant: "10.00" }',
    '  cost: { constant: "4.00" }',
    'transactions:',
    '  payment_method: { constant: Unknown }',
    '',
  ].join('\n');

  const exportFolder = (name: string, rows: string[]): string => {
    const dir = join(env.config.dataRoot, 'exports', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'sales.csv'), ['Order,Date,Customer,Product,Qty,Price,Country', ...rows, ''].join('\n'));
    return dir;
  };

  const run = async (name: string, rows: string[]): Promise<RunReport> => {
    const { runId } = await client.startRun({ source: exportFolder(name, rows), mapping: join(env.config.dataRoot, 'exports', 'shop.yaml') });
    const report = await client.waitForRun(runId, undefined, { intervalMs: 200, timeoutMs: 120_000 });
    expect({ runId, status: report.status, error: report.error ?? null }).toEqual({ runId, status: 'succeeded', error: null });
    return report;
  };
  const refreshOf = async (runId: string) =>
    (await env.pool.query<{ refresh: { mode: string; fullReason: string | null } }>(
      "SELECT detail -> 'dashboardRefresh' AS refresh FROM ops.run_stages WHERE run_id = $1 AND stage = 'analytics'",
      [runId],
    )).rows[0].refresh;
  const touchedDays = async (runId: string) =>
    (await env.pool.query<{ days: number[] }>('SELECT touched_days AS days FROM ops.warehouse_loads WHERE run_id = $1', [runId])).rows[0].days;

  const expectSameAsFullRebuild = async (runId: string) => {
    const db = await env.pool.connect();
    try {
      await db.query('BEGIN');
      for (const table of SUMMARY_TABLES) {
        await db.query(`CREATE TEMP TABLE kept_${table} ON COMMIT DROP AS SELECT * FROM dashboard.${table}`);
      }
      expect((await new DashboardSummariesRepository().refresh(db, runId, { forceFull: true })).mode).toBe('full');
      for (const table of SUMMARY_TABLES) {
        const count = async (sql: string) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) AS d`)).rows[0].n);
        expect({
          table,
          onlyIncremental: await count(`SELECT * FROM pg_temp.kept_${table} EXCEPT ALL SELECT * FROM dashboard.${table}`),
          onlyFull: await count(`SELECT * FROM dashboard.${table} EXCEPT ALL SELECT * FROM pg_temp.kept_${table}`),
        }).toEqual({ table, onlyIncremental: 0, onlyFull: 0 });
      }
    } finally {
      await db.query('ROLLBACK');
      db.release();
    }
  };
  const returnRows = async () =>
    (await env.pool.query<{ date_key: number; lines: number; returns_cents: string }>(
      'SELECT date_key, sum(lines)::int AS lines, sum(returns_cents)::text AS returns_cents FROM dashboard.return_days GROUP BY 1 ORDER BY 1',
    )).rows;

  beforeAll(async () => {
    env = await createTestEnv('dashboard_incremental_returns');
    pipeline = await startPipeline(env.config);
    client = new PipelineApiClient(pipeline.baseUrl);
    mkdirSync(join(env.config.dataRoot, 'exports'), { recursive: true });
    writeFileSync(join(env.config.dataRoot, 'exports', 'shop.yaml'), MAPPING);
  });
  afterAll(async () => {
    await pipeline?.close();
    await env?.teardown();
  });

  it('rebuilds the returns of the days a delta touched to what a full rebuild gives', async () => {
    const base = await run('base', [
      '1001,2024-03-01 10:00:00,A1,P1,2,10.00,France',
      '1001,2024-03-01 10:00:00,A1,P2,1,10.00,France',
      '1002,2024-03-02 11:00:00,A2,P2,3,10.00,France',
      '1003,2024-03-03 12:00:00,A3,P3,1,10.00,Spain',
      'C1003,2024-03-04 09:00:00,A3,P3,-1,10.00,Spain',
    ]);
    expect(await refreshOf(base.runId)).toMatchObject({ mode: 'full' });
    expect(await returnRows()).toEqual([{ date_key: 20240304, lines: 1, returns_cents: '-1000' }]);

    // New sales on 03-06 (a new customer and product sorting after the others), a credit note that
    // day and one on 03-02, a day with no new sale; A2 now lives in Spain.
    const delta = await run('delta', [
      '1004,2024-03-06 10:00:00,A2,P2,1,10.00,Spain',
      '1005,2024-03-06 11:00:00,A4,P4,2,10.00,France',
      'C1004,2024-03-06 12:00:00,A2,P2,-1,10.00,Spain',
      'C1002,2024-03-02 15:00:00,A2,P2,-2,10.00,Spain',
    ]);
    expect(await refreshOf(delta.runId)).toMatchObject({ mode: 'incremental', fullReason: null });
    expect(await touchedDays(delta.runId)).toEqual(expect.arrayContaining([20240302, 20240306]));
    await expectSameAsFullRebuild(delta.runId);
    expect(await returnRows()).toEqual([
      { date_key: 20240302, lines: 1, returns_cents: '-2000' },
      { date_key: 20240304, lines: 1, returns_cents: '-1000' },
      { date_key: 20240306, lines: 1, returns_cents: '-1000' },
    ]);

    // The credit note of 03-02 delivered again for three units: same number of returns that day.
    const again = await run('again', ['1006,2024-03-07 10:00:00,A1,P1,1,10.00,France', 'C1002,2024-03-02 15:00:00,A2,P2,-3,10.00,Spain']);
    expect(await refreshOf(again.runId)).toMatchObject({ mode: 'incremental', fullReason: null });
    expect(await touchedDays(again.runId)).toEqual(expect.arrayContaining([20240302]));
    await expectSameAsFullRebuild(again.runId);
    expect((await returnRows())[0]).toEqual({ date_key: 20240302, lines: 1, returns_cents: '-3000' });
  });
});
