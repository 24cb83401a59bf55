import type { INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stageJobId, type GenerateParams, type RunParams } from '@ecom/contracts';
import { StageRuntime, createWorkerContext } from '@ecom/pipeline';
import { createTestEnv, type TestEnv, waitFor } from '@ecom/testing';
import { GeneratorAppModule } from '../app.module';
import { entityRecords } from './dataset-files.testing';
import { generateToFolder } from './generate-to-folder';

/**
 * The generate stage through BullMQ: a 'plan' job fans the run out into one task per file part,
 * four workers write the parts, and the last one closes the stage and hands the run to ingest.
 */
describe('generate stage', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let runtime: StageRuntime;
  let referenceDir: string;
  const generate: GenerateParams = {
    customers: 2100,
    products: 250,
    transactions: 3500,
    seed: 11,
    startDate: '2024-03-01',
    endDate: '2024-08-31',
  };

  beforeAll(async () => {
    env = await createTestEnv('generator_stage', { workerConcurrency: 4, generator: { partSize: 1000 } });
    app = await createWorkerContext(GeneratorAppModule.forRoot, env.config, false);
    runtime = app.get(StageRuntime);
    referenceDir = mkdtempSync(join(env.config.dataRoot, 'reference-'));
    await generateToFolder(referenceDir, generate, { partSize: 1000, concurrency: 1, shop: env.config.generator.model });
  });
  afterAll(async () => {
    await app.close();
    await env.teardown();
  });

  const stage = (runId: string) =>
    env.pool
      .query<{ status: string; rows_in: string; rows_out: string; rows_rejected: string; tasks_total: number; tasks_done: number; attempts: number; error: string | null }>(
        `SELECT status, rows_in, rows_out, rows_rejected, tasks_total, tasks_done, attempts, error
           FROM ops.run_stages WHERE run_id = $1 AND stage = 'generate'`,
        [runId],
      )
      .then((r) => r.rows[0]);

  async function launch(runId: string, params: GenerateParams): Promise<string> {
    const inputDir = join(env.config.dataRoot, 'raw', runId);
    const run: RunParams = { mode: 'generate', inputDir, generate: params };
    await runtime.ledger.createRun(runId, run);
    await runtime.enqueueStage(runId, 'generate');
    return inputDir;
  }

  describe('a generated run', () => {
    const runId = 'gen-parts';
    let inputDir: string;

    beforeAll(async () => {
      inputDir = await launch(runId, generate);
      await waitFor(async () => ((await stage(runId))?.status === 'succeeded' ? true : undefined), 'generate to succeed');
    });

    it('succeeds with one task per part and counts every data row written', async () => {
      const lines = readdirSync(inputDir).reduce(
        (sum, name) => sum + readFileSync(join(inputDir, name), 'utf8').split('\n').length - 2,
        0,
      );
      // 3 customers parts, 1 products file, 4 transactions parts (each with its items part).
      expect(await stage(runId)).toMatchObject({
        status: 'succeeded',
        rows_in: String(lines),
        rows_out: String(lines),
        rows_rejected: '0',
        tasks_total: 8,
        tasks_done: 8,
      });
      const tasks = await runtime.ledger.listTasks(runId, 'generate');
      expect(tasks.map((t) => t.task_key)).toEqual([
        'customers-0001',
        'customers-0002',
        'customers-0003',
        'products-0001',
        'transactions-0001',
        'transactions-0002',
        'transactions-0003',
        'transactions-0004',
      ]);
      const detail = await env.pool.query<{ detail: { files: Array<{ name: string; rows: number }> } }>(
        "SELECT detail FROM ops.stage_tasks WHERE run_id = $1 AND task_key = 'transactions-0004'",
        [runId],
      );
      expect(detail.rows[0].detail.files).toEqual([
        { name: 'transactions.part-0004.csv', rows: 500 },
        { name: 'transaction_items.part-0004.csv', rows: expect.any(Number) },
      ]);
    });

    it('writes the same bytes as a single-threaded generation of the same seed', () => {
      const names = readdirSync(inputDir).sort();
      expect(names).toEqual(readdirSync(referenceDir).sort());
      expect(names.filter((n) => !readFileSync(join(inputDir, n)).equals(readFileSync(join(referenceDir, n))))).toEqual([]);
    });

    it('prices every line as PostgreSQL round(quantity * unit_price * (1 - discount/100), 2) does', async () => {
      const items = entityRecords(inputDir, 'transaction_items');
      const { rows } = await env.pool.query<{ checked: number; wrong: number }>(
        `SELECT count(*)::int AS checked,
                count(*) FILTER (WHERE round(q * p * (1 - d / 100), 2) <> lt)::int AS wrong
           FROM unnest($1::int[], $2::numeric[], $3::numeric[], $4::numeric[]) AS i(q, p, d, lt)`,
        [
          items.map((i) => i.quantity),
          items.map((i) => i.unit_price),
          items.map((i) => i.discount_percentage),
          items.map((i) => i.line_total),
        ],
      );
      expect(rows[0]).toEqual({ checked: items.length, wrong: 0 });
    });

    it('hands the run on to ingest', async () => {
      const job = await runtime.queue('ingest').getJob(stageJobId(runId, 'ingest'));
      expect(job?.data).toEqual({ runId });
    });

    it('treats a duplicate delivery of a finished part as a no-op', async () => {
      const before = readFileSync(join(inputDir, 'customers.part-0002.csv'));
      await runtime
        .queue('generate')
        .add('part', { runId, entity: 'customers', part: 1, parts: 3, first: 1000, count: 1000, taskKey: 'customers-0002' }, { jobId: `${runId}-again` });
      await waitFor(
        async () => ((await runtime.queue('generate').getJobState(`${runId}-again`)) === 'completed' ? true : undefined),
        'the duplicate to be consumed',
      );
      expect(readFileSync(join(inputDir, 'customers.part-0002.csv')).equals(before)).toBe(true);
      expect(await stage(runId)).toMatchObject({ status: 'succeeded', tasks_done: 8, attempts: 1 });
    });
  });

  it('fails the run at once, naming the problem, when the date range is reversed', async () => {
    const runId = 'gen-reversed';
    await launch(runId, { ...generate, startDate: '2024-09-01', endDate: '2024-01-31' });
    const run = await waitFor(async () => {
      const r = await env.pool.query('SELECT status, failed_stage, error FROM ops.runs WHERE run_id = $1', [runId]);
      return r.rows[0]?.status === 'failed' ? r.rows[0] : undefined;
    }, 'the run to fail');
    expect(run).toEqual({
      status: 'failed',
      failed_stage: 'generate',
      error: `run ${runId}: startDate 2024-09-01 is after endDate 2024-01-31`,
    });
    expect(await stage(runId)).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
