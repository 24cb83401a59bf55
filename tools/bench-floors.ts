import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ENTITIES, parseInputFileName, type Entity } from '@ecom/contracts';
import { runSqlFile, sqlFile, type Queryable } from '@ecom/db';
import type { ServerSettings } from './report-format';

/** A stage's floor: the same work's bare minimum, timed on the same database. */
export interface FloorTiming {
  stage: string;
  seconds: number;
  /** Rows the floor wrote (for generate: none, it copies bytes). */
  rows: number | null;
  /** Bytes the generate floor copied. */
  bytes?: number;
}

export interface FloorInput {
  /** The run whose staged rows, production rows and warehouse the floors read (run 1). */
  runId: string;
  /** Its generated files. */
  inputDir: string;
  /** Where the generate floor copies them; removed afterwards. */
  scratchDir: string;
  /** Files at a time for the generate and ingest floors: the workers' workerConcurrency. */
  concurrency: number;
}

interface InputFile {
  entity: Entity;
  path: string;
  name: string;
}

/**
 * Every stage's floor, each timed on its own, on the database and files the run just used. What
 * each floor does is said at the top of its file in sql/bench/ (generate's, a file copy, here).
 * The floors write into schema bench_floor, dropped at the end whatever happens; the pool needs
 * `concurrency` connections.
 */
export async function measureFloors(pool: Pool, input: FloorInput): Promise<FloorTiming[]> {
  const files = await inputFiles(input.inputDir);
  await runSqlFile(pool, 'bench/drop_floor_schema');
  await runSqlFile(pool, 'bench/floor_schema');
  try {
    await runSqlFile(pool, 'bench/ingest_tables');
    const floors: FloorTiming[] = [];
    floors.push(await copyFloor(files, input));
    floors.push(await timed('ingest', () => ingestFloor(pool, files, input.concurrency)));
    const client = await pool.connect();
    try {
      await runSqlFile(client, 'bench/floor_settings');
      floors.push(await timed('validate', () => eachEntity(client, 'validate', input.runId)));
      floors.push(await timed('transform', () => eachEntity(client, 'transform', input.runId)));
      floors.push(await timed('warehouse', async () => (await runSqlFile(client, 'bench/warehouse_facts')).rowCount ?? 0));
      floors.push(await timed('analytics', async () => (await runSqlFile(client, 'bench/analytics_groupings')).rowCount ?? 0));
    } finally {
      client.release();
    }
    return floors;
  } finally {
    await runSqlFile(pool, 'bench/drop_floor_schema');
    await rm(input.scratchDir, { recursive: true, force: true });
  }
}

async function inputFiles(dir: string): Promise<InputFile[]> {
  const files: InputFile[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const recognised = parseInputFileName(name);
    if (recognised) files.push({ entity: recognised.entity, path: join(dir, name), name });
  }
  if (files.length === 0) throw new Error(`no input files in ${dir} to measure the floors on`);
  return files;
}

async function timed(stage: string, work: () => Promise<number>): Promise<FloorTiming> {
  const started = performance.now();
  const rows = await work();
  return { stage, seconds: Number(((performance.now() - started) / 1000).toFixed(3)), rows };
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachAtOnce<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** generate: the same bytes written to the same disk, as a plain stream copy. */
async function copyFloor(files: InputFile[], input: FloorInput): Promise<FloorTiming> {
  let bytes = 0;
  const started = performance.now();
  await mkdir(input.scratchDir, { recursive: true });
  await eachAtOnce(files, input.concurrency, async (file) => {
    await pipeline(createReadStream(file.path), createWriteStream(join(input.scratchDir, file.name)));
    // Not `bytes += await ...`: that reads bytes before the await and loses the other copies' sizes.
    const { size } = await stat(file.path);
    bytes += size;
  });
  return { stage: 'generate', seconds: Number(((performance.now() - started) / 1000).toFixed(3)), rows: null, bytes };
}

/** ingest: each file into its entity's UNLOGGED text table by COPY, as many files at once as the stage lands. */
async function ingestFloor(pool: Pool, files: InputFile[], concurrency: number): Promise<number> {
  let rows = 0;
  await eachAtOnce(files, concurrency, async (file) => {
    const client = await pool.connect();
    let failed: Error | undefined;
    try {
      const sink = client.query(copyFrom(sqlFile(`bench/ingest_${file.entity}`)));
      await pipeline(createReadStream(file.path, { highWaterMark: 1 << 20 }), sink);
      rows += sink.rowCount;
    } catch (error) {
      failed = error as Error;
      failed.message = `sql/bench/ingest_${file.entity}.sql on ${file.name}: ${failed.message}`;
      throw failed;
    } finally {
      // A connection whose COPY broke off is not handed out again.
      client.release(failed);
    }
  });
  return rows;
}

/** validate and transform: one statement per entity, one after the other, on one connection. */
async function eachEntity(client: PoolClient, floor: 'validate' | 'transform', runId: string): Promise<number> {
  let rows = 0;
  for (const entity of ENTITIES) {
    const { rowCount } = await runSqlFile(client, `bench/${floor}_${entity}`, [runId]);
    rows += rowCount ?? 0;
  }
  return rows;
}

/** The PostgreSQL server the bench runs on and its settings (sql/bench/server_settings.sql), printed beside every table. */
export async function readServerSettings(db: Queryable): Promise<ServerSettings> {
  return (await runSqlFile<ServerSettings>(db, 'bench/server_settings')).rows[0];
}
