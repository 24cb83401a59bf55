/**
 * Ingest trace: the ingest stage's landing alone against its floor, on one folder, with CPU split
 * between this process and the PostgreSQL backends. `npm run bench` measures the whole stage
 * (plan, queue hops) among all the others; this isolates the landing and its ANALYZE, for comparing
 * changes to it on a shared machine, where CPU seconds are steadier than wall seconds.
 *
 *   npm run build && node dist/apps/ingestor/src/trace/ingest-trace.js <database> <folder> [runs]
 *
 * The database (created and migrated if missing) gets one run per repetition; the floor's tables
 * go to schema bench_floor, dropped afterwards. Linux only (reads /proc for backend CPU).
 */
import 'reflect-metadata';
import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { parseInputFileName, type Entity } from '@ecom/contracts';
import { createPool, migrateDatabase, runSqlFile, sqlFile, withTransaction } from '@ecom/db';
import { LedgerRepository } from '@ecom/pipeline';
import { FileLandingService, type InputFileRef } from '../ingest/file-landing.service';
import { LandingRepository } from '../ingest/landing.repository';

const CONCURRENCY = 2;

/** CPU milliseconds (user + system) a process has used so far. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function inTurns<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

async function timed(label: string, body: (onBackend: <R>(client: PoolClient, work: () => Promise<R>) => Promise<R>) => Promise<void>): Promise<number> {
  let backend = 0;
  const onBackend = async <R>(client: PoolClient, work: () => Promise<R>): Promise<R> => {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const before = cpuMs(rows[0].pid);
    try {
      return await work();
    } finally {
      backend += cpuMs(rows[0].pid) - before;
    }
  };
  const cpu = process.cpuUsage();
  const started = Date.now();
  await body(onBackend);
  const seconds = (Date.now() - started) / 1000;
  const node = process.cpuUsage(cpu);
  console.log(
    `${label.padEnd(7)} wall ${seconds.toFixed(2)} s, node cpu ${((node.user + node.system) / 1e6).toFixed(2)} s, backend cpu ${(backend / 1000).toFixed(2)} s`,
  );
  return seconds;
}

async function land(pool: Pool, dir: string, files: InputFileRef[]): Promise<number> {
  const ledger = new LedgerRepository(pool);
  const landing = new FileLandingService(new LandingRepository(ledger));
  const runId = `trace-${Date.now()}`;
  await ledger.createRun(runId, { mode: 'source', inputDir: dir });
  const paths = new Map<string, number>();
  const seconds = await timed('ingest', (onBackend) =>
    inTurns(files, (file) =>
      withTransaction(pool, (client) =>
        onBackend(client, async () => {
          const counts = await landing.landFile({ runId, client, progress: async () => undefined }, file);
          const by = String(counts.detail?.landedBy);
          paths.set(by, (paths.get(by) ?? 0) + 1);
        }),
      ),
    ),
  );
  console.log(`        files landed by ${[...paths].map(([by, n]) => `${by}: ${n}`).join(', ')}`);
  // What the last part of each entity adds in the stage (LandingRepository.analyzeIfLastOfEntity).
  const entities = [...new Set(files.map((f) => f.entity))];
  const analysis = await timed('analyze', (onBackend) =>
    withTransaction(pool, (client) =>
      onBackend(client, async () => {
        await runSqlFile(client, 'ingest/analyze_sample');
        for (const entity of entities) await runSqlFile(client, `ingest/analyze_${entity}`);
      }),
    ),
  );
  return seconds + analysis;
}

async function floor(pool: Pool, files: InputFileRef[]): Promise<number> {
  await runSqlFile(pool, 'bench/drop_floor_schema');
  await runSqlFile(pool, 'bench/floor_schema');
  await pool.query(sqlFile('bench/ingest_tables'));
  try {
    return await timed('floor', (onBackend) =>
      inTurns(files, async (file) => {
        const client = await pool.connect();
        try {
          await onBackend(client, () => pipeline(createReadStream(file.path), client.query(copyFrom(sqlFile(`bench/ingest_${file.entity}`)))));
        } finally {
          client.release();
        }
      }),
    );
  } finally {
    await runSqlFile(pool, 'bench/drop_floor_schema');
  }
}

async function main(): Promise<void> {
  const [database, dir, runs = '1'] = process.argv.slice(2);
  if (!database || !dir) throw new Error('usage: ingest-trace <database> <folder> [runs]');
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ecom');
  url.pathname = `/${database}`;
  await migrateDatabase(url.toString());
  const pool = createPool(url.toString(), { max: CONCURRENCY + 2 });
  const files = readdirSync(dir)
    .map((name) => ({ name, recognised: parseInputFileName(name) }))
    .filter((f): f is { name: string; recognised: { entity: Entity; part: number } } => f.recognised !== undefined)
    .map((f) => ({ entity: f.recognised.entity, sourceFile: f.name, path: join(dir, f.name) }));
  try {
    for (let i = 0; i < Number(runs); i++) {
      const ingest = await land(pool, dir, files);
      const bare = await floor(pool, files);
      console.log(`        x floor ${(ingest / bare).toFixed(2)} (landing and analyze)`);
    }
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
