import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, repoRoot } from '@ecom/config';
import { dropDatabase, migrateDatabase } from '@ecom/db';
import { clearQueuePrefix } from '@ecom/pipeline';
import { PipelineApiClient } from './api-client';
import { startPipeline } from './in-process';
import { benchRows, formatBenchTable, stageProgressLine } from './report-format';

/**
 * `npm run bench -- --transactions N`: one full pipeline on a fresh database `<db>_bench`, the
 * api and workers in this process, then per-stage wall time and rows/s as a table and JSON.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      transactions: { type: 'string', default: '100000' },
      customers: { type: 'string' },
      products: { type: 'string', default: '500' },
      seed: { type: 'string', default: '42' },
      concurrency: { type: 'string' },
    },
  });
  const transactions = Number(values.transactions);
  if (!Number.isInteger(transactions) || transactions < 1) throw new Error(`--transactions must be a positive whole number`);
  const customers = values.customers ? Number(values.customers) : Math.max(100, Math.round(transactions / 10));
  const base = loadConfig();
  const url = new URL(base.databaseUrl);
  url.pathname = `${url.pathname}_bench`;
  const databaseUrl = url.toString();
  const dataRoot = join(repoRoot(), 'data', 'bench');
  rmSync(dataRoot, { recursive: true, force: true });
  await dropDatabase(databaseUrl);
  await migrateDatabase(databaseUrl);
  const config = loadConfig({
    overrides: {
      databaseUrl,
      dataRoot,
      port: 0,
      queuePrefix: `bench-${process.pid}`,
      ...(values.concurrency ? { workerConcurrency: Number(values.concurrency) } : {}),
    },
  });
  const pipeline = await startPipeline(config);
  try {
    const client = new PipelineApiClient(pipeline.baseUrl, config.apiKey);
    const body = { transactions, customers, products: Number(values.products), seed: Number(values.seed) };
    const started = Date.now();
    const { runId } = await client.startRun(body);
    process.stdout.write(`bench run ${runId}: ${JSON.stringify(body)}\n`);
    const report = await client.waitForRun(runId, (r) => {
      for (const s of r.stages.filter((x) => x.status === 'running')) {
        process.stdout.write(`  [${((Date.now() - started) / 1000).toFixed(1)}s] ${stageProgressLine(s)}\n`);
      }
    });
    if (report.status !== 'succeeded') throw new Error(`run failed in ${report.failedStage}: ${report.error}`);
    const rows = benchRows(report);
    const result = {
      runId,
      params: body,
      totalSeconds: Number(((report.durationMs ?? 0) / 1000).toFixed(3)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      stages: rows,
    };
    process.stdout.write(`\n${formatBenchTable(rows)}\n\ntotal ${result.totalSeconds}s, peak RSS ${result.peakRssMb} MB\n`);
    process.stdout.write(`\n${JSON.stringify(result, null, 2)}\n`);
    const outDir = join(repoRoot(), 'bench-results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `bench-${transactions}.json`), JSON.stringify(result, null, 2));
  } finally {
    await pipeline.close();
    await clearQueuePrefix(config.redisUrl, config.queuePrefix);
    rmSync(dataRoot, { recursive: true, force: true });
  }
}

void main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
});
