import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '@ecom/contracts';
import { NO_REJECT_LIMITS, createTestEnv, type TestEnv } from '@ecom/testing';
import { PipelineApiClient } from '../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';

/**
 * Issue 12 points 1 and 2 through the whole pipeline, on a hand-made folder
 * (tests/fixtures/orders/whole-orders): orders that go whole with a bad line (T2, T7), a total a
 * cent off its lines (T3), an order without lines (T4), and conflicting duplicates whose later
 * version is invalid (C2, P2, T6, I6: the earlier, valid version loads).
 */
describe('whole orders end to end', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let report: RunReport;

  beforeAll(async () => {
    // A hand-made folder that rejects most of its few orders on purpose: no reject limit here.
    env = await createTestEnv('e2e_whole_orders', NO_REJECT_LIMITS);
    pipeline = await startPipeline(env.config);
    const source = join(env.config.dataRoot, 'sources', 'whole-orders');
    cpSync(join(__dirname, '..', 'fixtures', 'orders', 'whole-orders'), source, { recursive: true });
    const client = new PipelineApiClient(pipeline.baseUrl);
    report = await client.waitForRun((await client.startRun({ source })).runId, undefined, { intervalMs: 200, timeoutMs: 150_000 });
  });

  afterAll(async () => {
    await pipeline?.close();
    await env?.teardown();
  });

  const rows = async (sql: string, params: unknown[] = []) =>
    (await env.pool.query(sql, params)).rows.map((r) => Object.values(r).join(' '));

  it('runs to the end with every line accounted for', () => {
    expect(report.error).toBeNull();
    expect(report.status).toBe('succeeded');
    expect(report.accountingBalanced).toBe(true);
    const transform = report.stages.find((s) => s.stage === 'transform');
    // 3 customers + 3 products + 8 orders + 10 lines staged; 13 of them rejected.
    expect(transform && [transform.rowsIn, transform.rowsOut, transform.rowsRejected]).toEqual([24, 11, 13]);
  });

  it('quarantines whole orders and the invalid later versions, each line once', async () => {
    expect(
      await rows(
        `SELECT entity, record_key, source_line, reason_code FROM ops.quarantine WHERE run_id = $1
          ORDER BY entity, record_key, source_line`,
        [report.runId],
      ),
    ).toEqual([
      'customers C2 4 invalid_email',
      'products P2 4 invalid_number',
      'transaction_items I3 4 order_rejected',
      'transaction_items I4 5 invalid_number',
      'transaction_items I5 6 order_rejected',
      'transaction_items I6 8 line_total_mismatch',
      'transaction_items I8 10 orphan_product',
      'transaction_items I9 11 order_rejected',
      'transactions T2 3 order_line_rejected',
      'transactions T3 4 total_amount_mismatch',
      'transactions T4 5 order_without_lines',
      'transactions T6 8 invalid_date',
      'transactions T7 9 order_line_rejected',
    ]);
  });

  it('loads the earlier valid versions and only orders that equal their lines', async () => {
    expect(await rows('SELECT customer_id, email FROM production.customers ORDER BY 1')).toEqual(['C1 ann@example.com', 'C2 bob@example.com']);
    expect(await rows('SELECT product_id, price FROM production.products ORDER BY 1')).toEqual(['P1 10.00', 'P2 25.50']);
    expect(
      await rows(
        `SELECT t.transaction_id, t.total_amount, sum(i.line_total) FROM production.transactions t
           JOIN production.transaction_items i ON i.transaction_id = t.transaction_id
          GROUP BY 1, 2 ORDER BY 1`,
      ),
    ).toEqual(['T1 45.50 45.50', 'T5 10.00 10.00', 'T6 10.00 10.00']);
  });

  it('shows the order reconciliation in GET /runs/:id/quality', async () => {
    const quality = (await (await fetch(`${pipeline.baseUrl}/runs/${report.runId}/quality`)).json()) as {
      checks: Array<{ checkName: string; stage: string; status: string; rowsChecked: number | string; violations: number | string }>;
    };
    const check = quality.checks.find((c) => c.checkName === 'reconcile_order_total_production');
    expect(check && { ...check, rowsChecked: Number(check.rowsChecked), violations: Number(check.violations) }).toMatchObject({
      stage: 'transform',
      status: 'pass',
      rowsChecked: 3,
      violations: 0,
    });
  });

  it('counts the same orders in the monthly trend as production holds', async () => {
    const trend = (await (await fetch(`${pipeline.baseUrl}/analytics/monthly_sales_trend?run=${report.runId}&format=json`)).json()) as {
      rows: Array<Record<string, number | string>>;
    };
    const orders = trend.rows.reduce((sum, row) => sum + Number(row.orders), 0);
    expect(orders).toBe(3);
    expect(await rows('SELECT count(*) FROM production.transactions')).toEqual(['3']);
  });
});
