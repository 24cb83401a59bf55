import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '@ecom/contracts';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { PipelineApiClient } from '../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';

/**
 * The walking pipeline end to end: the api and all six workers in-process on the real
 * PostgreSQL and Redis, driven only through REST, as a user's `npm run pipeline` would.
 */
describe('pipeline end to end', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let client: PipelineApiClient;
  let generated: RunReport;
  /** The second run of the same folder, on a database that already holds it. */
  let redelivered: RunReport | undefined;

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await env.pool.query<{ n: string }>(sql, params)).rows[0].n);

  const warehouseTotals = async () =>
    (
      await env.pool.query<{ facts: string; revenue: string; profit: string; customers: string; products: string; days: string }>(
        `SELECT (SELECT count(*) FROM warehouse.fact_sales) AS facts,
                (SELECT sum(line_total) FROM warehouse.fact_sales) AS revenue,
                (SELECT sum(profit) FROM warehouse.fact_sales) AS profit,
                (SELECT count(*) FROM warehouse.dim_customers) AS customers,
                (SELECT count(*) FROM warehouse.dim_products) AS products,
                (SELECT count(*) FROM warehouse.agg_daily_sales) AS days`,
      )
    ).rows[0];

  /** Each production row's and fact's physical tuple and stamps, to tell a rewrite from a row left alone. */
  const physicalTuples = async () => {
    const of = async (table: string, key: string) =>
      (
        await env.pool.query<{ key: string; tuple: string }>(
          `SELECT ${key} AS key, concat_ws(' ', ctid, xmin, updated_at, last_run_id) AS tuple FROM ${table} ORDER BY 1`,
        )
      ).rows;
    return {
      customers: await of('production.customers', 'customer_id'),
      products: await of('production.products', 'product_id'),
      transactions: await of('production.transactions', 'transaction_id'),
      items: await of('production.transaction_items', 'item_id'),
      facts: (
        await env.pool.query<{ key: string; tuple: string }>(
          `SELECT item_id AS key, concat_ws(' ', tableoid::regclass, ctid, xmin, last_run_id) AS tuple FROM warehouse.fact_sales ORDER BY 1`,
        )
      ).rows,
      // The aggregates by content and tuple: a load that reads nothing rewrites none of them.
      aggregates: (
        await env.pool.query<{ tuples: string }>(
          `SELECT (SELECT md5(string_agg(concat_ws(' ', ctid, xmin, a::text), ',' ORDER BY a::text)) FROM warehouse.agg_daily_sales a) ||
                  (SELECT md5(string_agg(concat_ws(' ', ctid, xmin, a::text), ',' ORDER BY a::text)) FROM warehouse.agg_product_performance a) ||
                  (SELECT md5(string_agg(concat_ws(' ', ctid, xmin, a::text), ',' ORDER BY a::text)) FROM warehouse.agg_customer_metrics a) AS tuples`,
        )
      ).rows[0].tuples,
    };
  };

  beforeAll(async () => {
    env = await createTestEnv('e2e_pipeline', { generator: { partSize: 1000 } });
    pipeline = await startPipeline(env.config);
    client = new PipelineApiClient(pipeline.baseUrl);
    const { runId } = await client.startRun({ customers: 300, products: 60, transactions: 2500, seed: 7 });
    generated = await client.waitForRun(runId, undefined, { intervalMs: 200, timeoutMs: 150_000 });
  });

  afterAll(async () => {
    await pipeline?.close();
    await env?.teardown();
  });

  it('runs a generated batch through all six stages and reports it', () => {
    expect(generated.error).toBeNull();
    expect(generated.status).toBe('succeeded');
    expect(generated.stages.map((s) => [s.stage, s.status])).toEqual([
      ['generate', 'succeeded'],
      ['ingest', 'succeeded'],
      ['validate', 'succeeded'],
      ['transform', 'succeeded'],
      ['warehouse', 'succeeded'],
      ['analytics', 'succeeded'],
    ]);
    // 2500 transactions in parts of 1000 rows: three transaction parts fanned out and back in.
    expect(generated.stages.find((s) => s.stage === 'generate')?.tasksDone).toBeGreaterThanOrEqual(4);
    expect(generated.quality?.grade).toBe('A');
  });

  it('accounts for every input line and every stage row (docs/contract.md section 3)', async () => {
    expect(generated.accountingBalanced).toBe(true);
    const dir = join(env.config.dataRoot, 'raw', generated.runId);
    const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();
    expect(generated.files.map((f) => f.sourceFile).sort()).toEqual(files);
    for (const file of generated.files) {
      const lines = readFileSync(join(dir, file.sourceFile), 'utf8').split('\n').filter((l) => l.length > 0).length - 1;
      expect({ file: file.sourceFile, read: file.linesRead }).toEqual({ file: file.sourceFile, read: lines });
      expect(file.linesRead).toBe(file.rowsLanded + file.rowsQuarantined);
    }
    for (const stage of generated.stages) {
      expect(stage.rowsIn).toBe((stage.rowsOut ?? 0) + (stage.rowsRejected ?? 0));
    }
    const ingest = generated.stages.find((s) => s.stage === 'ingest')!;
    const transform = generated.stages.find((s) => s.stage === 'transform')!;
    expect(transform.rowsIn).toBe(ingest.rowsOut);
  });

  it('lands a clean generated batch completely in production and the star schema', async () => {
    expect(await count('SELECT count(*) AS n FROM production.transactions')).toBe(2500);
    const items = await count('SELECT count(*) AS n FROM production.transaction_items');
    expect(items).toBeGreaterThan(2500);
    expect(await count('SELECT count(*) AS n FROM warehouse.fact_sales')).toBe(items);
    const money = (
      await env.pool.query<{ facts: string; orders: string; agg: string }>(
        `SELECT (SELECT sum(line_total) FROM warehouse.fact_sales) AS facts,
                (SELECT sum(total_amount) FROM production.transactions) AS orders,
                (SELECT sum(total_revenue) FROM warehouse.agg_daily_sales) AS agg`,
      )
    ).rows[0];
    expect(money.facts).toBe(money.orders);
    expect(money.agg).toBe(money.orders);
    // Every fact points at the customer and product that its production line names.
    expect(
      await count(
        `SELECT count(*) AS n FROM warehouse.fact_sales f
           JOIN production.transaction_items i USING (item_id)
           JOIN production.transactions t ON t.transaction_id = i.transaction_id
           JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
           JOIN warehouse.dim_products p ON p.product_key = f.product_key
          WHERE c.customer_id <> t.customer_id OR p.product_id <> i.product_id
             OR f.date_key <> to_char(t.transaction_date, 'YYYYMMDD')::int`,
      ),
    ).toBe(0);
  });

  it('serves every analysis as JSON and CSV, and exports them to files', async () => {
    const list = (await (await fetch(`${pipeline.baseUrl}/analytics`)).json()) as unknown;
    expect(JSON.stringify(list)).toContain('monthly_sales_trend');
    const trend = (await (
      await fetch(`${pipeline.baseUrl}/analytics/monthly_sales_trend?run=${generated.runId}&format=json`)
    ).json()) as { rows: Array<Record<string, number | string>>; columns: string[] };
    expect(trend.rows.length).toBe(12);
    const orders = trend.rows.reduce((sum, row) => sum + Number(row.orders), 0);
    expect(orders).toBe(2500);
    const csv = await (await fetch(`${pipeline.baseUrl}/analytics/top_products?run=${generated.runId}&format=csv`)).text();
    expect(csv.split('\n')[0]).toContain('product_id');
    const exportDir = join(env.config.dataRoot, 'processed', 'analytics', generated.runId);
    for (const name of ['top_products', 'day_of_week_pattern', 'discount_impact']) {
      expect(existsSync(join(exportDir, `${name}.csv`))).toBe(true);
      expect(existsSync(join(exportDir, `${name}.json`))).toBe(true);
    }
  });

  it('leaves the same warehouse after two runs on the same --source folder', async () => {
    const source = join(env.config.dataRoot, 'sources', 'batch-1');
    mkdirSync(source, { recursive: true });
    cpSync(join(env.config.dataRoot, 'raw', generated.runId), source, { recursive: true });
    const before = await warehouseTotals();
    const tuplesBefore = await physicalTuples();

    const first = await client.waitForRun((await client.startRun({ source })).runId, undefined, { intervalMs: 200 });
    expect(first.status).toBe('succeeded');
    expect(first.mode).toBe('source');
    const afterFirst = await warehouseTotals();
    const second = await client.waitForRun((await client.startRun({ source })).runId, undefined, { intervalMs: 200 });
    expect(second.status).toBe('succeeded');
    redelivered = second;
    const afterSecond = await warehouseTotals();

    expect(afterFirst).toEqual(before);
    expect(afterSecond).toEqual(before);
    expect(second.accountingBalanced).toBe(true);

    // Re-delivered unchanged, nothing is rewritten: every production row and every fact keeps its
    // physical tuple (ctid, xmin), its updated_at and its last_run_id (the run that wrote it).
    expect(await physicalTuples()).toEqual(tuplesBefore);
    for (const run of [first, second]) {
      const transform = run.stages.find((s) => s.stage === 'transform')!;
      expect(transform.rowsIn).toBe((transform.rowsOut ?? 0) + (transform.rowsRejected ?? 0));
      expect(transform.rowsOut).toBe(generated.stages.find((s) => s.stage === 'transform')?.rowsOut);
      // The reconciliations still answer for every line the run delivered, found by its keys.
      const checks = (
        await env.pool.query<{ check_name: string; stage: string; rows_checked: string; violations: string; status: string }>(
          `SELECT check_name, stage, rows_checked, violations, status FROM ops.quality_checks
            WHERE run_id = $1 AND stage IN ('transform', 'warehouse') ORDER BY check_name`,
          [run.runId],
        )
      ).rows;
      expect(checks.map((c) => c.check_name)).toEqual(
        expect.arrayContaining(['reconcile_transaction_items_staging_production', 'reconcile_revenue_staging_production']),
      );
      for (const check of checks) expect({ name: check.check_name, status: check.status, violations: Number(check.violations) }).toEqual({ name: check.check_name, status: 'pass', violations: 0 });
      const staged = checks.find((c) => c.check_name === 'reconcile_transaction_items_staging_production')!;
      expect(Number(staged.rows_checked)).toBe(await count('SELECT count(*) AS n FROM staging.transaction_items WHERE run_id = $1', [run.runId]));
      const revenue = checks.find((c) => c.check_name === 'reconcile_revenue_staging_production')!;
      expect(Number(revenue.rows_checked)).toBe(await count('SELECT count(*) AS n FROM production.transaction_items'));
    }
  });

  it("plans a later run's staging rows from statistics that know them, not from the run before", async () => {
    // The newest full-size delivery above (the second run of batch-1). Planned from statistics that
    // described only earlier runs, `run_id = <new run>` was estimated at 1 row and validate chose
    // nested loops: 6.7 s on a fresh database, 639 s for the same 50k orders a second time.
    // The bench measures the two runs' times; this asserts the cause is gone for every table.
    expect(redelivered?.status).toBe('succeeded');
    const runId = redelivered!.runId;
    for (const table of ['customers', 'products', 'transactions', 'transaction_items']) {
      const actual = await count(`SELECT count(*) AS n FROM staging.${table} WHERE run_id = $1`, [runId]);
      const { rows: plan } = await env.pool.query<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(
        `EXPLAIN (FORMAT JSON) SELECT * FROM staging.${table} WHERE run_id = $1`,
        [runId],
      );
      const estimated = plan[0]['QUERY PLAN'][0].Plan['Plan Rows'];
      expect({ table, actual: actual > 0, estimate: estimated >= actual / 2 && estimated <= actual * 2 ? 'within 2x' : estimated }).toEqual({
        table,
        actual: true,
        estimate: 'within 2x',
      });
    }
  });

  it('rebuilds the warehouse from production history to the same content', async () => {
    const before = await warehouseTotals();
    const rebuild = await client.waitForRun((await client.startRun({ mode: 'rebuild' })).runId, undefined, { intervalMs: 200 });
    expect(rebuild.status).toBe('succeeded');
    expect(rebuild.stages.filter((s) => s.status === 'skipped').map((s) => s.stage)).toEqual([
      'generate',
      'ingest',
      'validate',
      'transform',
    ]);
    expect(await warehouseTotals()).toEqual(before);
  });

  it('runs a folder without products.csv against the products production holds: it adds up and leaves products alone', async () => {
    const source = join(env.config.dataRoot, 'sources', 'no-products');
    mkdirSync(source, { recursive: true });
    const raw = join(env.config.dataRoot, 'raw', generated.runId);
    for (const file of readdirSync(raw).filter((f) => !f.startsWith('products'))) cpSync(join(raw, file), join(source, file));
    const products = async () => (await env.pool.query<{ h: string }>(`SELECT md5(string_agg(p::text, '|' ORDER BY product_id)) AS h FROM production.products p`)).rows[0].h;
    const [productsBefore, warehouseBefore] = [await products(), await warehouseTotals()];

    const report = await client.waitForRun((await client.startRun({ source })).runId, undefined, { intervalMs: 200 });

    expect(report.error).toBeNull();
    expect(report.status).toBe('succeeded');
    expect(report.absentFiles).toEqual(['products.csv']);
    expect(report.files.some((f) => f.entity === 'products')).toBe(false);
    expect(report.accountingBalanced).toBe(true);
    expect(report.rejectsByReason).toEqual([]);
    expect(await products()).toBe(productsBefore);
    expect(await warehouseTotals()).toEqual(warehouseBefore);
    rmSync(source, { recursive: true, force: true });
  });
});
