import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { loadConfig, repoRoot } from '@ecom/config';
import { createPool, dropDatabase, migrateDatabase, withTransaction } from '@ecom/db';
import { clearQueueStore } from '@ecom/pipeline';
import { DashboardSummariesRepository } from '../apps/analytics/src/dashboard-summaries/dashboard-summaries.repository';
import { DASHBOARD_ENDPOINTS } from '@ecom/contracts';
import { PipelineApiClient } from './api-client';
import { applyStartMode } from './tool-mode';
import { startPipeline, type RunningPipeline } from './in-process';

/**
 * `npm run bench:dashboard -- --transactions N [--reuse] [--refresh] [--rounds R]`: loads a warehouse
 * of N transactions into `<db>_dashbench` through the real pipeline (in-process; its analytics
 * stage refreshes the dashboard's summaries), then times every dashboard endpoint over a fixed set
 * of filter combinations and prints p50 / p95 per endpoint. `--reuse` keeps a warehouse an earlier
 * call loaded with the same parameters (the load of 1,000,000 transactions takes many minutes; the
 * measurement takes one). `--refresh` rebuilds the summaries first, as the analytics stage does,
 * and times it.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      transactions: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '42' },
      rounds: { type: 'string', default: '3' },
      reuse: { type: 'boolean', default: false },
      refresh: { type: 'boolean', default: false },
    },
  });
  const transactions = Number(values.transactions);
  if (!Number.isInteger(transactions) || transactions < 1) throw new Error('--transactions must be a positive whole number');
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive whole number');
  const body = {
    transactions,
    customers: Math.max(100, Math.round(transactions / 10)),
    products: 500,
    seed: Number(values.seed),
    startDate: '2024-01-01',
    endDate: '2024-12-31',
  };

  process.stdout.write(`${await applyStartMode()}\n`);
  const base = loadConfig();
  const url = new URL(base.databaseUrl);
  url.pathname = `${url.pathname}_dashbench`;
  const databaseUrl = url.toString();
  const dataRoot = join(repoRoot(), 'data', 'dashbench');
  const config = loadConfig({
    overrides: { databaseUrl, dataRoot, port: 0, queuePrefix: `dashbench-${process.pid}`, logLevel: 'warn' },
  });

  const reusable = values.reuse && (await loadedWith(databaseUrl, body));
  if (!reusable) {
    rmSync(dataRoot, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  }
  await migrateDatabase(databaseUrl);
  const pipeline = await startPipeline(config);
  const pool = createPool(databaseUrl, { max: 2 });
  try {
    if (!reusable) {
      await loadWarehouse(pipeline, body, config.apiKey);
      // The warehouse is what is measured; the generated CSVs (hundreds of MB) are not needed again.
      rmSync(dataRoot, { recursive: true, force: true });
    }
    const facts = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM warehouse.fact_sales')).rows[0].n);
    const refreshMs = values.refresh ? await refreshSummaries(pool, databaseUrl) : await stageRefreshMs(pool);
    process.stdout.write(`summaries refreshed in ${refreshMs === null ? '?' : (refreshMs / 1000).toFixed(1)}s${values.refresh ? '' : ' (by the analytics stage)'}\n`);
    const result = await measure(pipeline.baseUrl, pool, rounds, config.apiKey);
    const out = {
      warehouse: { ...body, factLines: facts },
      summariesRefreshMs: refreshMs,
      rounds,
      filterSets: result.filterSets,
      endpoints: result.endpoints,
    };
    process.stdout.write(`\n${formatTable(result.endpoints)}\n\n${JSON.stringify(out, null, 2)}\n`);
    const outDir = join(repoRoot(), 'bench-results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `dashboard-${transactions}.json`), JSON.stringify(out, null, 2));
  } finally {
    await pool.end();
    await pipeline.close();
    await clearQueueStore(config);
  }
}

async function loadedWith(databaseUrl: string, body: Record<string, unknown>): Promise<boolean> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const { rows } = await pool.query<{ params: { generate?: Record<string, unknown> } }>(
      `SELECT params FROM ops.runs WHERE status = 'succeeded' ORDER BY created_at DESC LIMIT 1`,
    );
    const params = rows[0]?.params.generate;
    return !!params && Object.entries(body).every(([key, value]) => params[key] === value);
  } catch {
    return false; // no such database or schema yet
  } finally {
    await pool.end();
  }
}

/** What the analytics stage of the run the summaries reflect recorded for its refresh. */
async function stageRefreshMs(pool: Pool): Promise<number | null> {
  const { rows } = await pool.query<{ ms: number | null }>(
    `SELECT (st.detail ->> 'dashboardRefreshMs')::int AS ms
       FROM dashboard.refresh_state s
       JOIN ops.run_stages st ON st.run_id = s.run_id AND st.stage = 'analytics'`,
  );
  return rows[0]?.ms ?? null;
}

/** The analytics stage's refresh, alone: same repository, its own transaction. */
async function refreshSummaries(pool: Pool, databaseUrl: string): Promise<number> {
  const { rows } = await pool.query<{ run_id: string }>(
    `SELECT run_id FROM ops.runs WHERE status = 'succeeded' ORDER BY finished_at DESC, run_id DESC LIMIT 1`,
  );
  const repository = new DashboardSummariesRepository();
  // As the analytics stage rebuilds: its transaction's connection, then two lanes at once.
  const lanes = createPool(databaseUrl, { max: 3 });
  const refresh = await withTransaction(lanes, (client) => repository.refreshOnLanes(client, lanes, rows[0].run_id, { forceFull: true })).finally(() =>
    lanes.end(),
  );
  // What autovacuum does soon after a real refresh: the deleted rows' space and the visibility map.
  await pool.query('VACUUM dashboard.sales_cells, dashboard.customer_days, dashboard.product_days, dashboard.discount_cells, dashboard.customer_firsts, dashboard.customer_months, dashboard.customer_years, dashboard.sales_months, dashboard.product_months, dashboard.product_years');
  return refresh.ms;
}

async function loadWarehouse(pipeline: RunningPipeline, body: Record<string, unknown>, apiKey: string | undefined): Promise<void> {
  const client = new PipelineApiClient(pipeline.baseUrl, apiKey);
  const started = Date.now();
  const { runId } = await client.startRun(body);
  process.stdout.write(`loading run ${runId}: ${JSON.stringify(body)}\n`);
  const report = await client.waitForRun(runId, (r) => {
    const running = r.stages.filter((s) => s.status === 'running').map((s) => s.stage);
    process.stdout.write(`  [${((Date.now() - started) / 1000).toFixed(0)}s] ${running.join(', ') || r.status}\n`);
  });
  if (report.status !== 'succeeded') throw new Error(`run ${runId} failed in ${report.failedStage}: ${report.error}`);
  process.stdout.write(`loaded in ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
}

interface FilterSet {
  name: string;
  query: Record<string, string>;
}

/** Filter combinations over the loaded data: none, date ranges of every shape, each filter alone, pairs, all at once. */
async function filterSets(pool: Pool): Promise<FilterSet[]> {
  const pick = async (sql: string): Promise<string> => String((await pool.query<{ v: string }>(sql)).rows[0].v);
  const category = await pick(`SELECT category AS v FROM warehouse.dim_products WHERE product_key > 0 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
  const country = await pick(`SELECT country AS v FROM warehouse.dim_customers WHERE customer_key > 0 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
  const state = String(
    (
      await pool.query<{ v: string }>(
        'SELECT state AS v FROM warehouse.dim_customers WHERE country = $1 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1',
        [country],
      )
    ).rows[0].v,
  );
  const payment = await pick(`SELECT payment_method_name AS v FROM warehouse.dim_payment_method ORDER BY payment_method_key LIMIT 1`);
  const quarter = { from: '2024-04-01', to: '2024-06-30' };
  return [
    { name: 'none', query: {} },
    { name: 'whole year', query: { from: '2024-01-01', to: '2024-12-31' } },
    { name: 'mid-February to year end', query: { from: '2024-02-15', to: '2024-12-31' } },
    { name: 'ten days short of a year', query: { from: '2024-01-10', to: '2024-12-20' } },
    { name: 'one quarter', query: quarter },
    { name: 'one month', query: { from: '2024-03-01', to: '2024-03-31' } },
    { name: 'one week', query: { from: '2024-11-25', to: '2024-12-01' } },
    { name: 'category', query: { category } },
    { name: 'country', query: { country } },
    { name: 'country+state', query: { country, state } },
    { name: 'payment', query: { payment } },
    { name: 'category+payment', query: { category, payment } },
    { name: 'category+country', query: { category, country } },
    { name: 'year to date+country+payment', query: { from: '2024-01-01', to: '2024-08-15', country, payment } },
    { name: 'all filters', query: { ...quarter, category, country, state, payment } },
  ];
}

interface EndpointTiming {
  endpoint: string;
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number(sorted[Math.max(0, index)].toFixed(1));
}

async function measure(
  baseUrl: string,
  pool: Pool,
  rounds: number,
  apiKey: string | undefined,
): Promise<{ filterSets: FilterSet[]; endpoints: EndpointTiming[] }> {
  const sets = await filterSets(pool);
  // With API_KEY set, the endpoints with customer-level data answer 401 without it.
  const init: RequestInit = apiKey ? { headers: { 'x-api-key': apiKey } } : {};
  // A first read warms the api's connections; not a sample.
  const warm = await fetch(`${baseUrl}/dashboard/api/options`, init);
  if (!warm.ok) throw new Error(`GET /dashboard/api/options answered ${warm.status}`);
  const timings = new Map<string, number[]>(DASHBOARD_ENDPOINTS.map((e) => [e, []]));
  for (let round = 0; round < rounds; round++) {
    for (const set of sets) {
      for (const endpoint of DASHBOARD_ENDPOINTS) {
        const qs = new URLSearchParams(set.query).toString();
        const started = performance.now();
        const response = await fetch(`${baseUrl}/dashboard/api/${endpoint}${qs ? `?${qs}` : ''}`, init);
        await response.arrayBuffer();
        const elapsed = performance.now() - started;
        if (!response.ok) throw new Error(`GET /dashboard/api/${endpoint}?${qs} answered ${response.status}`);
        timings.get(endpoint)!.push(elapsed);
      }
    }
  }
  return {
    filterSets: sets,
    endpoints: DASHBOARD_ENDPOINTS.map((endpoint) => {
      const sorted = [...timings.get(endpoint)!].sort((a, b) => a - b);
      return { endpoint, samples: sorted.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: percentile(sorted, 100) };
    }),
  };
}

function formatTable(rows: EndpointTiming[]): string {
  const header = ['endpoint', 'samples', 'p50 ms', 'p95 ms', 'max ms'];
  const cells = rows.map((r) => [r.endpoint, String(r.samples), r.p50Ms.toFixed(1), r.p95Ms.toFixed(1), r.maxMs.toFixed(1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[]) => values.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

void main().catch((error: Error) => {
  process.stderr.write(`bench:dashboard: ${error.message}\n`);
  process.exit(1);
});
