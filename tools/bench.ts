import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { loadConfig, repoRoot, type AppConfig } from '@ecom/config';
import type { GenerateParams, RunReport } from '@ecom/contracts';
import { createPool, dropDatabase, migrateDatabase } from '@ecom/db';
import { clearQueueStore } from '@ecom/pipeline';
import { PipelineApiClient } from './api-client';
import { applyStartMode } from './tool-mode';
import { BENCH_USAGE, BenchUsageError, customersFor, parseBenchArgs, type BenchOptions } from './bench-args';
import { measureFloors, readServerSettings } from './bench-floors';
import { withoutRejectLimits, writeRejectHeavyData } from './bench-reject-heavy';
import { startPipeline } from './in-process';
import { MachineCpu } from './machine-cpu';
import { PeakRss } from './peak-rss';
import {
  benchGrowth,
  benchRun,
  formatBenchGrowth,
  benchFailures,
  formatBenchScale,
  formatScenarioComparison,
  stageProgressLine,
  type BenchRun,
  type BenchScale,
  type ServerSettings,
} from './report-format';

/** What every step of one bench invocation shares. */
interface Bench {
  options: BenchOptions;
  config: AppConfig;
  rss: PeakRss;
  /** Samples the machine's busy CPU time during each run; undefined where it cannot be read. */
  cpu: MachineCpu | undefined;
  /** Writes the JSON result (bench-results/) with what was measured so far. */
  save: (measured: Record<string, unknown>) => void;
  out: (line: string) => void;
  /** The database refused CHECKPOINT (settle). */
  checkpointRefused?: boolean;
}

/**
 * `npm run bench`: the pipeline in this process on a fresh database `<db>_bench` per data size;
 * per stage how far it is from its floor, over sizes, over a second delivery of the same data and
 * a one-day delta. What each part measures: BENCH_USAGE (`npm run bench -- --help`) and
 * docs/performance.md.
 */
async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof BenchUsageError && error.message === BENCH_USAGE) {
      process.stdout.write(`${BENCH_USAGE}\n`);
      return;
    }
    process.stderr.write(`bench: ${(error as Error).message}\nsee: npm run bench -- --help\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`${await applyStartMode()}\n`);
  const base = loadConfig();
  const url = new URL(base.databaseUrl);
  url.pathname = `${url.pathname}_bench`;
  const dataRoot = join(repoRoot(), 'data', 'bench');
  const config = loadConfig({
    overrides: {
      databaseUrl: url.toString(),
      dataRoot,
      // The scenario's source runs read from the bench's own folder, wherever SOURCE_ROOTS points.
      sourceRoots: [dataRoot],
      port: 0,
      // The api's start-up lines would bury the progress and the tables.
      logLevel: 'warn',
      queuePrefix: `${base.queuePrefix}-bench-${process.pid}`,
      ...(options.concurrency ? { workerConcurrency: options.concurrency } : {}),
    },
  });
  const startedAt = new Date().toISOString();
  const rss = new PeakRss();
  // Redis keeps the file names older results have; the postgres queue backend gets its own, so
  // the two can be run back to back and compared.
  const backendPart = config.queueBackend === 'redis' ? '' : `${config.queueBackend}-`;
  const file = join(repoRoot(), 'bench-results', `bench-${backendPart}${options.scenario ? `${options.scenario}-` : ''}${options.sizes.join('-')}.json`);
  const save = (measured: Record<string, unknown>): void => {
    const result = {
      startedAt,
      savedAt: new Date().toISOString(),
      commit: gitCommit(),
      machine: { cpus: cpus().length, memoryMb: Math.round(totalmem() / 2 ** 20), node: process.version },
      config: { queueBackend: config.queueBackend, workerConcurrency: config.workerConcurrency, partSize: config.generator.partSize },
      // False where the peak could not be reset per phase: each peak is then the process's so far.
      peakRssPerPhase: rss.perPhase,
      ...measured,
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  };
  const bench: Bench = { options, config, rss, cpu: MachineCpu.open(), save, out: (line) => process.stdout.write(`${line}\n`) };
  rmSync(dataRoot, { recursive: true, force: true });
  try {
    await (options.scenario ? rejectHeavyScenario(bench) : scales(bench));
    bench.out(`\nwrote ${relative(process.cwd(), file)}`);
  } finally {
    rmSync(dataRoot, { recursive: true, force: true });
  }
}

/**
 * Every data size: run 1, floors, run 2, delta; the table after each size, the growth at the end.
 * The JSON is saved after each size, so a size that fails keeps the ones before it.
 */
async function scales(bench: Bench): Promise<void> {
  const results: BenchScale[] = [];
  for (const size of bench.options.sizes) {
    const scale = await benchScale(bench, size);
    results.push(scale);
    bench.out(`\n${formatBenchScale(scale)}\n`);
    // Printed above; the bench still measures every size, then exits 1.
    if (benchFailures(scale).length > 0) process.exitCode = 1;
    bench.save({ scales: results, growth: benchGrowth(results) });
  }
  if (results.length > 1) bench.out(`${formatBenchGrowth(benchGrowth(results))}\n`);
}

async function benchScale(bench: Bench, transactions: number): Promise<BenchScale> {
  const { options, config, rss } = bench;
  const body = { transactions, customers: customersFor(transactions, options), products: options.products, seed: options.seed };
  const loadAverage = loadavg()[0];
  bench.out(`\n== ${transactions.toLocaleString('en-US')} transactions on a fresh ${new URL(config.databaseUrl).pathname.slice(1)}, queues on ${config.queueBackend}`);
  try {
    return await onFreshDatabase(config, async (client) => {
      const server = await serverSettings(config.databaseUrl);
      await settle(bench);
      const first = await timedRun(bench, client, 'run 1', body);
      // Reports show folders relative to their root; a generated run's input is data/raw/<run>.
      const inputDir = join(config.dataRoot, 'raw', first.run.runId);
      await settle(bench);
      bench.out('floors: generate, ingest, validate, transform, warehouse, analytics');
      rss.reset();
      const pool = createPool(config.databaseUrl, { max: config.workerConcurrency });
      const floors = await measureFloors(pool, {
        runId: first.run.runId,
        inputDir,
        scratchDir: join(config.dataRoot, 'floor-copy'),
        concurrency: config.workerConcurrency,
      }).finally(() => pool.end());
      const floorsPeakRssMb = rss.peakMb();
      await settle(bench);
      const second = await timedRun(bench, client, 'run 2', body);
      await settle(bench);
      const delta = await timedRun(bench, client, 'delta', { mode: 'incremental', days: 1 });
      const runs = [first.run, second.run];
      return {
        ...body,
        inputRows: first.run.inputRows,
        inputBytes: floors.find((f) => f.stage === 'generate')?.bytes ?? 0,
        runs,
        floors,
        floorsPeakRssMb,
        delta: delta.run,
        peakRssMb: Math.max(floorsPeakRssMb, delta.run.peakRssMb, ...runs.map((r) => r.peakRssMb)),
        loadAverage: Number(loadAverage.toFixed(2)),
        server,
      };
    });
  } finally {
    // The runs' generated files: up to hundreds of MB per run at 1M.
    rmSync(config.dataRoot, { recursive: true, force: true });
  }
}

/** The reject-heavy input beside clean input of the same size, each as a source run on a fresh database. */
async function rejectHeavyScenario(bench: Bench): Promise<void> {
  const { options, config } = bench;
  const transactions = options.sizes[0];
  const params: GenerateParams = {
    transactions,
    customers: customersFor(transactions, options),
    products: options.products,
    seed: options.seed,
    startDate: config.generator.startDate,
    endDate: config.generator.endDate,
  };
  bench.out(`generating ${transactions.toLocaleString('en-US')} transactions and a reject-heavy copy; queues on ${config.queueBackend}`);
  const data = await writeRejectHeavyData(join(config.dataRoot, 'scenario'), params, {
    partSize: config.generator.partSize,
    shop: config.generator.model,
    threads: cpus().length,
  });
  const clean = await onFreshDatabase(config, (client) => timedRun(bench, client, 'clean', { source: data.cleanDir }));
  const heavy = await onFreshDatabase(withoutRejectLimits(config), (client) =>
    timedRun(bench, client, 'reject-heavy', { source: data.rejectHeavyDir }),
  );
  const what =
    `reject-heavy vs clean input: ${transactions.toLocaleString('en-US')} transactions each (source runs, fresh database each); ` +
    `in reject-heavy ${data.customersMoved.toLocaleString('en-US')} of ${data.customers.toLocaleString('en-US')} customers ` +
    `register on ${data.registrationDate}, after the order window`;
  bench.out(`\n${formatScenarioComparison(clean.run, heavy.run, what)}`);
  bench.save({
    scenario: 'reject-heavy',
    params,
    registrationDate: data.registrationDate,
    customersMoved: data.customersMoved,
    runs: [clean.run, heavy.run],
  });
}

/** A migrated empty database and the pipeline in this process on it; queue keys cleared after. */
async function onFreshDatabase<T>(config: AppConfig, work: (client: PipelineApiClient) => Promise<T>): Promise<T> {
  await dropDatabase(config.databaseUrl);
  await migrateDatabase(config.databaseUrl);
  const pipeline = await startPipeline(config);
  try {
    return await work(new PipelineApiClient(pipeline.baseUrl, config.apiKey));
  } finally {
    await pipeline.close();
    await clearQueueStore(config);
  }
}

/** The server's settings the times depend on, read from the bench database. */
async function serverSettings(databaseUrl: string): Promise<ServerSettings> {
  const pool = createPool(databaseUrl, { max: 1 });
  try {
    return await readServerSettings(pool);
  } finally {
    await pool.end();
  }
}

/**
 * A CHECKPOINT before each timed phase, so that each starts with nothing of the phase before it
 * left to write out. With the default max_wal_size (1GB) a 1M run passes a WAL-triggered
 * checkpoint every 10-30 s, and one may be under way as run 2 begins, right after the floors'
 * bulk tables: run 2's ingest, whose work is run 1's, took 1.1-1.8x run 1's in every bench on one
 * machine (0.9x on another), once past the run-2 limit. CHECKPOINT needs a superuser or the
 * pg_checkpoint role; without either the bench says so once and goes on.
 */
async function settle(bench: Bench): Promise<void> {
  if (bench.checkpointRefused) return;
  const pool = createPool(bench.config.databaseUrl, { max: 1 });
  try {
    await pool.query('CHECKPOINT');
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    bench.checkpointRefused = true;
    bench.out(`no CHECKPOINT before each phase (${(error as Error).message}): a phase may pay for writing out the one before it`);
  } finally {
    await pool.end();
  }
}

/** One run through the API, with progress; its peak RSS is this process's while it ran, its CPU the machine's. */
async function timedRun(
  bench: Bench,
  client: PipelineApiClient,
  label: string,
  body: Record<string, unknown>,
): Promise<{ report: RunReport; run: BenchRun }> {
  bench.rss.reset();
  bench.cpu?.start();
  const started = Date.now();
  const { runId } = await client.startRun(body);
  bench.out(`${label} ${runId}: ${JSON.stringify(body)}`);
  const report = await client.waitForRun(runId, (r) => {
    for (const s of r.stages.filter((x) => x.status === 'running')) {
      bench.out(`  [${label} ${((Date.now() - started) / 1000).toFixed(1)}s] ${stageProgressLine(s)}`);
    }
  });
  const cpu = bench.cpu?.stop() ?? [];
  if (report.status !== 'succeeded') throw new Error(`${label} (run ${runId}) failed in ${report.failedStage}: ${report.error}`);
  return { report, run: benchRun(label, report, bench.rss.peakMb(), cpu) };
}

/** The commit measured, so results of two commits can be told apart; undefined outside git. */
function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

void main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
});
