import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES, type RunReport } from '@ecom/contracts';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { PipelineApiClient } from '../../tools/api-client';
import { measureFloors, readServerSettings, type FloorTiming } from '../../tools/bench-floors';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';

/**
 * The bench's floors on the real PostgreSQL, after a real run: each floor covers the rows its
 * stage covered in that run, and leaves nothing behind.
 */
describe('bench: floors', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let client: PipelineApiClient;
  let generated: RunReport;
  let floors: FloorTiming[];

  const count = async (sql: string) => Number((await env.pool.query<{ n: string }>(sql)).rows[0].n);
  const stage = (report: RunReport, name: string) => report.stages.find((s) => s.stage === name)!;

  beforeAll(async () => {
    env = await createTestEnv('bench_floors', { generator: { partSize: 1000 } });
    pipeline = await startPipeline(env.config);
    client = new PipelineApiClient(pipeline.baseUrl);
    const { runId } = await client.startRun({ customers: 200, products: 40, transactions: 1500, seed: 11 });
    generated = await client.waitForRun(runId, undefined, { intervalMs: 200, timeoutMs: 150_000 });
    expect(generated.status).toBe('succeeded');
    floors = await measureFloors(env.pool, {
      runId,
      inputDir: join(env.config.dataRoot, 'raw', runId),
      scratchDir: join(env.config.dataRoot, 'floor-copy'),
      concurrency: 2,
    });
  });

  afterAll(async () => {
    await pipeline?.close();
    await env?.teardown();
  });

  it("reads the server's settings the bench prints beside its tables", async () => {
    const server = await readServerSettings(env.pool);
    const show = async (name: string) => (await env.pool.query<{ v: string }>(`SELECT current_setting('${name}') AS v`)).rows[0].v;
    expect(server.version).toBe(await show('server_version'));
    expect(Object.keys(server.settings).slice(0, 2)).toEqual(['shared_buffers', 'max_wal_size']);
    expect(server.settings.shared_buffers).toBe(await show('shared_buffers'));
    expect(server.settings.max_wal_size).toBe(await show('max_wal_size'));
    const collation = await env.pool.query<{ c: string }>('SELECT datcollate AS c FROM pg_database WHERE datname = current_database()');
    expect(server.collation).toBe(collation.rows[0].c);
  });

  it('measures one floor per stage, in pipeline order', () => {
    expect(floors.map((f) => f.stage)).toEqual([...STAGES]);
    for (const floor of floors) expect(floor.seconds).toBeGreaterThanOrEqual(0);
  });

  it('copies every byte of the generated files and removes the copy', () => {
    const dir = join(env.config.dataRoot, 'raw', generated.runId);
    const bytes = readdirSync(dir)
      .filter((name) => name.endsWith('.csv'))
      .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    expect(floors[0]).toMatchObject({ stage: 'generate', rows: null, bytes });
    expect(existsSync(join(env.config.dataRoot, 'floor-copy'))).toBe(false);
  });

  it('covers the rows each stage covered in the run', async () => {
    const rows = Object.fromEntries(floors.map((f) => [f.stage, f.rows]));
    const linesRead = generated.files.reduce((sum, f) => sum + f.linesRead, 0);
    expect(rows.ingest).toBe(linesRead);
    expect(rows.validate).toBe(stage(generated, 'validate').rowsIn);
    // Clean data: every staged row reaches production, so the de-duplicated rows are production's.
    expect(rows.transform).toBe(stage(generated, 'transform').rowsOut);
    expect(rows.warehouse).toBe(await count('SELECT count(*) AS n FROM warehouse.fact_sales'));
    expect(rows.analytics).toBe(
      await count(`SELECT (SELECT count(DISTINCT product_key) FROM warehouse.fact_sales)
                        + (SELECT count(DISTINCT customer_key) FROM warehouse.fact_sales)
                        + (SELECT count(DISTINCT date_key) FROM warehouse.fact_sales)
                        + (SELECT count(DISTINCT payment_method_key) FROM warehouse.fact_sales)
                        + (SELECT count(DISTINCT discount_percentage) FROM warehouse.fact_sales) AS n`),
    );
  });

  it('drops everything it created', async () => {
    expect(await count(`SELECT count(*) AS n FROM pg_namespace WHERE nspname = 'bench_floor'`)).toBe(0);
  });
});
