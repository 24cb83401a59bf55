import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ANALYSES } from '@ecom/contracts';
import { LedgerRepository } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';

describe('analytics API: stored analysis results as JSON and CSV', () => {
  let env: TestEnv;
  let app: INestApplication;
  let http: App;

  const columns = ['product_id', 'product_name', 'revenue', 'is_bestseller'];
  const olderRows = [{ product_id: 'P1', product_name: 'Lamp', revenue: 10.5, is_bestseller: false }];
  const newerRows = [
    { product_id: 'P2', product_name: 'Desk, oak', revenue: 1200.25, is_bestseller: true },
    { product_id: 'P1', product_name: 'Lamp "Nova"', revenue: 99.9, is_bestseller: false },
  ];

  async function storeRun(runId: string, status: string, createdAt: string): Promise<void> {
    await app.get(LedgerRepository).createRun(runId, { mode: 'source', inputDir: '/data/batch' });
    await env.pool.query('UPDATE ops.runs SET status = $2, created_at = $3 WHERE run_id = $1', [runId, status, createdAt]);
  }
  async function storeResult(runId: string, analysis: string, rows: object[]): Promise<void> {
    await env.pool.query(
      'INSERT INTO ops.analysis_results (run_id, analysis, columns, rows, row_count) VALUES ($1, $2, $3, $4, $5)',
      [runId, analysis, columns, JSON.stringify(rows), rows.length],
    );
  }

  beforeAll(async () => {
    env = await createTestEnv('api_analytics');
    app = await createApiApp(env.config);
    await app.init();
    http = app.getHttpServer() as App;
    await storeRun('run-old', 'succeeded', '2024-01-01T00:00:00Z');
    await storeRun('run-new', 'succeeded', '2024-02-01T00:00:00Z');
    await storeRun('run-running', 'running', '2024-03-01T00:00:00Z');
    await storeResult('run-old', 'top_products', olderRows);
    await storeResult('run-new', 'top_products', newerRows);
    await storeResult('run-old', 'geography', olderRows);
    await storeResult('run-running', 'monthly_sales_trend', olderRows);
  });
  afterAll(async () => {
    await app.close();
    await env.teardown();
  });

  it('lists every analysis with the newest run that stored it', async () => {
    const res = await request(http).get('/analytics').expect(200);
    expect(res.body.analyses.map((a: { name: string }) => a.name)).toEqual([...ANALYSES]);
    const latest = Object.fromEntries(res.body.analyses.map((a: { name: string; latestRunId: string | null }) => [a.name, a.latestRunId]));
    expect(latest).toMatchObject({
      top_products: 'run-new',
      geography: 'run-old',
      monthly_sales_trend: 'run-running',
      discount_impact: null,
    });
    expect(res.body.analyses[0].links).toEqual({ json: '/analytics/top_products', csv: '/analytics/top_products?format=csv' });
  });

  it('serves the newest succeeded run by default, or the run asked for', async () => {
    const latest = await request(http).get('/analytics/top_products').expect(200);
    expect(latest.body).toEqual({ runId: 'run-new', analysis: 'top_products', columns, rows: newerRows });

    const older = await request(http).get('/analytics/top_products?run=run-old&format=json').expect(200);
    expect(older.body).toEqual({ runId: 'run-old', analysis: 'top_products', columns, rows: olderRows });
  });

  it('exports CSV in the analysis column order, as a named attachment', async () => {
    const res = await request(http).get('/analytics/top_products?format=csv').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="top_products-run-new.csv"');
    expect(res.text).toBe(
      'product_id,product_name,revenue,is_bestseller\nP2,"Desk, oak",1200.25,true\nP1,"Lamp ""Nova""",99.9,false\n',
    );
  });

  it('neutralises formula-like names in the CSV export (not in the JSON), leaving negative amounts numbers', async () => {
    const rows = [
      { product_id: 'P3', product_name: '=HYPERLINK("http://evil.example","x")', revenue: -12.5, is_bestseller: false },
      { product_id: '-P4', product_name: '@SUM(A1)', revenue: '-3.00', is_bestseller: true },
    ];
    await storeRun('run-formula', 'succeeded', '2024-01-15T00:00:00Z');
    await storeResult('run-formula', 'top_products', rows);

    const csv = await request(http).get('/analytics/top_products?run=run-formula&format=csv').expect(200);
    expect(csv.text).toBe(
      'product_id,product_name,revenue,is_bestseller\n' +
        `P3,"'=HYPERLINK(""http://evil.example"",""x"")",-12.5,false\n` +
        `"'-P4","'@SUM(A1)",-3.00,true\n`,
    );
    const json = await request(http).get('/analytics/top_products?run=run-formula').expect(200);
    expect(json.body.rows).toEqual(rows);
  });

  it('answers 404 for an unknown analysis, listing the valid names', async () => {
    const res = await request(http).get('/analytics/best_sellers').expect(404);
    expect(res.body.message).toBe(`analysis best_sellers does not exist; valid names: ${ANALYSES.join(', ')}`);
  });

  it('answers 404 when no result is stored, and ignores results of unfinished runs by default', async () => {
    const none = await request(http).get('/analytics/discount_impact').expect(404);
    expect(none.body.message).toBe('no succeeded run has a result for analysis discount_impact yet');

    await request(http).get('/analytics/monthly_sales_trend').expect(404);
    await request(http).get('/analytics/monthly_sales_trend?run=run-running').expect(200);

    const wrongRun = await request(http).get('/analytics/geography?run=run-new').expect(404);
    expect(wrongRun.body.message).toBe('run run-new has no result for analysis geography');
  });

  it('refuses a bad format or run id with 400', async () => {
    const format = await request(http).get('/analytics/top_products?format=xml').expect(400);
    expect(format.body.message).toEqual(['format must be one of: json, csv']);
    const run = await request(http).get('/analytics/top_products?run=no%20way').expect(400);
    expect(run.body.message).toEqual(['run must be a run id: 1-64 letters, digits, _ or -']);
  });
});
