import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { QualityReport, RunReport } from '@ecom/contracts';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { PipelineApiClient } from '../../tools/api-client';
import { dayAfter, delayRegistrations, withoutRejectLimits, writeRejectHeavyData, type RejectHeavyData } from '../../tools/bench-reject-heavy';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';

describe('bench: reject-heavy customers file', () => {
  it('moves nine customers in ten to a registration after the orders, leaving the rest byte for byte', () => {
    const header = 'customer_id,first_name,last_name,email,phone,registration_date,city,state,country,age_group';
    const lines = Array.from({ length: 20 }, (_, i) => `C${i},Ann,"O'Neil, Jr",a${i}@x.io,555,2023-05-0${i % 9 + 1},Oslo,Oslo,Norway,26-35`);
    const { csv, moved, records } = delayRegistrations(`${header}\n${lines.join('\n')}\n`, dayAfter('2024-12-31'));
    expect({ moved, records }).toEqual({ moved: 18, records: 20 });
    const out = csv.split('\n');
    expect(out[0]).toBe(header);
    expect(out[1]).toBe(lines[0]);
    expect(out[11]).toBe(lines[10]);
    expect(out[2]).toBe(`C1,Ann,"O'Neil, Jr",a1@x.io,555,2025-01-01,Oslo,Oslo,Norway,26-35`);
    expect(out.at(-1)).toBe('');
  });

  it('refuses a customers file it cannot rewrite line by line', () => {
    expect(() => delayRegistrations('customer_id,email\nC1,a@x.io\n', '2025-01-01')).toThrow('no registration_date column');
    expect(() => delayRegistrations('customer_id,registration_date\n"C\n1",2024-01-01\n', '2025-01-01')).toThrow(
      'not one record per line',
    );
  });
});

/**
 * The reject-heavy scenario's input through the real pipeline: the transformer rejects exactly
 * the orders of the customers whose registration moved, and their order lines with them.
 */
describe('bench: reject-heavy input', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let data: RejectHeavyData;
  let limited: RunReport;
  let limitedQuality: QualityReport;
  let productionAfterLimited: number;
  let heavy: RunReport;

  const csv = (dir: string, file: string) => parse(readFileSync(join(dir, file), 'utf8'), { columns: true }) as Array<Record<string, string>>;

  beforeAll(async () => {
    env = await createTestEnv('bench_reject_heavy');
    data = await writeRejectHeavyData(
      join(env.config.dataRoot, 'scenario'),
      { customers: 100, products: 30, transactions: 600, seed: 5, startDate: '2024-01-01', endDate: '2024-12-31' },
      { partSize: env.config.generator.partSize, shop: env.config.generator.model },
    );
    // First with the configured reject limits, as a user would run this folder.
    pipeline = await startPipeline(env.config);
    let client = new PipelineApiClient(pipeline.baseUrl);
    const first = await client.startRun({ source: data.rejectHeavyDir });
    limited = await client.waitForRun(first.runId, undefined, { intervalMs: 200, timeoutMs: 150_000 });
    limitedQuality = (await (await fetch(`${pipeline.baseUrl}/runs/${first.runId}/quality`)).json()) as QualityReport;
    productionAfterLimited = Number(
      (await env.pool.query<{ n: string }>('SELECT (SELECT count(*) FROM production.customers) + (SELECT count(*) FROM production.transactions) AS n')).rows[0].n,
    );
    await pipeline.close();
    // Then as the bench runs it: no limits, so the run goes to the end to be timed.
    pipeline = await startPipeline(withoutRejectLimits(env.config));
    client = new PipelineApiClient(pipeline.baseUrl);
    const { runId } = await client.startRun({ source: data.rejectHeavyDir });
    heavy = await client.waitForRun(runId, undefined, { intervalMs: 200, timeoutMs: 150_000 });
  });

  afterAll(async () => {
    await pipeline?.close();
    await env?.teardown();
  });

  it('moves nine customers in ten to the day after the order window, and changes nothing else', () => {
    expect(data).toMatchObject({ registrationDate: '2025-01-01', customersMoved: 90, customers: 100 });
    const clean = csv(data.cleanDir, 'customers.csv');
    const moved = csv(data.rejectHeavyDir, 'customers.csv');
    expect(moved.map((c, i) => (c.registration_date === clean[i].registration_date ? 'kept' : c.registration_date))).toEqual(
      clean.map((_, i) => (i % 10 === 0 ? 'kept' : '2025-01-01')),
    );
    expect(moved.map(({ registration_date: _r, ...rest }) => rest)).toEqual(clean.map(({ registration_date: _r, ...rest }) => rest));
    for (const file of ['products.csv', 'transactions.csv', 'transaction_items.csv']) {
      expect(readFileSync(join(data.rejectHeavyDir, file), 'utf8')).toBe(readFileSync(join(data.cleanDir, file), 'utf8'));
    }
  });

  it('fails at the transform under the configured limits, naming orders, their rate and reason; production and warehouse untouched', async () => {
    expect({ status: limited.status, failedStage: limited.failedStage }).toEqual({ status: 'failed', failedStage: 'transform' });
    expect(limited.error).toMatch(
      /^reject rate over its limit \(quality\.maxRejectPercent\) for transactions: \d+\.\d% of 600 records rejected \(\d+; limit 5%\), top reasons before_registration \d+; transaction_items: .*orphan_transaction/,
    );
    expect(limited.stages.find((s) => s.stage === 'warehouse')?.status).toBe('pending');
    // Nothing of the transform committed: production stayed as it was (empty, a fresh database).
    expect(productionAfterLimited).toBe(0);
    // The verdict is kept: the whole-run grade sees the rejects, the staging checks alone did not.
    expect(limitedQuality).toMatchObject({ grade: 'F', passed: false });
    expect(limitedQuality.stagingGrade).toMatch(/^[AB]$/);
    const orders = limitedQuality.rejectRates.find((r) => r.entity === 'transactions');
    expect(orders).toMatchObject({ records: 600, ingestRejects: 0, maxRejectPercent: 5, passed: false });
    expect(orders?.topReasons[0].reason).toBe('before_registration');
    // The rejected lines themselves are kept (GET /runs/:id/rejects lists them), as the rates count them.
    const keptOrders = limited.rejectsByReason.filter((r) => r.stage === 'transform' && r.reasonCode === 'before_registration');
    expect(keptOrders).toEqual([{ stage: 'transform', reasonCode: 'before_registration', count: orders?.topReasons[0].count }]);
    expect(limited.rejectsByReason.reduce((sum, r) => sum + r.count, 0)).toBe(
      limitedQuality.rejectRates.reduce((sum, r) => sum + r.ingestRejects + r.transformRejects, 0),
    );
    expect(limitedQuality.score).toBe(Number((100 * (1 - Math.max(...limitedQuality.rejectRates.map((r) => r.rejectRate)))).toFixed(2)));
  });

  it("gets exactly the moved customers' orders rejected as before_registration, and their lines as orphans", () => {
    expect(heavy.status).toBe('succeeded');
    expect(heavy.accountingBalanced).toBe(true);
    const customers = csv(data.rejectHeavyDir, 'customers.csv');
    const late = new Set(customers.filter((c) => c.registration_date === '2025-01-01').map((c) => c.customer_id));
    const lateOrders = new Set(csv(data.cleanDir, 'transactions.csv').filter((t) => late.has(t.customer_id)).map((t) => t.transaction_id));
    const lateLines = csv(data.cleanDir, 'transaction_items.csv').filter((i) => lateOrders.has(i.transaction_id)).length;
    // Most orders, not all: every tenth customer keeps a registration before its orders.
    expect(lateOrders.size).toBeGreaterThan(600 / 2);
    expect(lateOrders.size).toBeLessThan(600);
    expect(heavy.rejectsByReason).toEqual(
      expect.arrayContaining([
        { stage: 'transform', reasonCode: 'before_registration', count: lateOrders.size },
        { stage: 'transform', reasonCode: 'orphan_transaction', count: lateLines },
      ]),
    );
    expect(heavy.rejectsByReason).toHaveLength(2);
    // Run to the end without limits, it still grades F and says why.
    expect(heavy.quality).toMatchObject({ grade: 'F', passed: true });
    expect(heavy.quality?.rejectRates.find((r) => r.entity === 'transactions')).toMatchObject({
      records: 600,
      transformRejects: lateOrders.size,
      maxRejectPercent: null,
    });
  });
});
