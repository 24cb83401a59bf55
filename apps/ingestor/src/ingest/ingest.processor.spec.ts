import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { ENTITY_SPECS, stageJobId, type Entity } from '@ecom/contracts';
import { StageRuntime, createWorkerContext } from '@ecom/pipeline';
import { createTestEnv, type TestEnv, waitFor } from '@ecom/testing';
import { IngestorAppModule } from '../app.module';

/** A header plus `rows` well-formed lines for the entity, keyed `<prefix><n>`. */
function csvFile(entity: Entity, rows: number, prefix = ''): string {
  const { columns } = ENTITY_SPECS[entity];
  const lines = [columns.join(',')];
  for (let i = 1; i <= rows; i++) lines.push(columns.map((c, j) => (j === 0 ? `${prefix}${i}` : `${c}-${i}`)).join(','));
  return lines.join('\n') + '\n';
}

describe('ingest stage through BullMQ: plan a folder, land each file as a part, fan in, hand on to validate', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let runtime: StageRuntime;

  beforeAll(async () => {
    env = await createTestEnv('ingestor_stage', { workerConcurrency: 4 });
    app = await createWorkerContext(IngestorAppModule.forRoot, env.config, false);
    runtime = app.get(StageRuntime);
  });
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  function inputFolder(name: string, files: Record<string, string>): string {
    const dir = join(env.config.dataRoot, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
    return dir;
  }

  const runOf = (runId: string) =>
    env.pool.query('SELECT status, failed_stage, error FROM ops.runs WHERE run_id = $1', [runId]).then((r) => r.rows[0]);
  const ingestStage = (runId: string) =>
    env.pool
      .query(
        `SELECT status, rows_in::int, rows_out::int, rows_rejected::int, tasks_total, tasks_done, detail
           FROM ops.run_stages WHERE run_id = $1 AND stage = 'ingest'`,
        [runId],
      )
      .then((r) => r.rows[0]);
  const failedRun = (runId: string) =>
    waitFor(async () => {
      const run = await runOf(runId);
      return run?.status === 'failed' ? run : undefined;
    }, `run ${runId} to fail`);

  it('lands every file of a folder, parts as separate tasks, then enqueues validation', async () => {
    const dir = inputFolder('batch-ok', {
      'customers.csv': csvFile('customers', 3, 'C'),
      'products.csv': csvFile('products', 2, 'P'),
      'transactions.part-0001.csv': csvFile('transactions', 4, 'T'),
      'transactions.part-0002.csv': csvFile('transactions', 5, 'U') + 'U6,too,short\n',
      'transaction_items.csv': csvFile('transaction_items', 6, 'I'),
      'README.txt': 'not input',
    });

    await runtime.launchRun('ingest-ok', { mode: 'source', inputDir: dir });
    const stage = await waitFor(async () => {
      const s = await ingestStage('ingest-ok');
      return s?.status === 'succeeded' ? s : undefined;
    }, 'ingest to succeed');

    expect(stage).toMatchObject({ rows_in: 21, rows_out: 20, rows_rejected: 1, tasks_total: 5, tasks_done: 5 });
    expect(stage.detail).toMatchObject({ ignored_files: ['README.txt'] });
    const tasks = await runtime.ledger.listTasks('ingest-ok', 'ingest');
    expect(tasks.map((t) => [t.task_key, t.status, t.payload.entity])).toEqual([
      ['customers.csv', 'succeeded', 'customers'],
      ['products.csv', 'succeeded', 'products'],
      ['transaction_items.csv', 'succeeded', 'transaction_items'],
      ['transactions.part-0001.csv', 'succeeded', 'transactions'],
      ['transactions.part-0002.csv', 'succeeded', 'transactions'],
    ]);
    const files = await env.pool.query(
      `SELECT source_file, lines_read::int, rows_landed::int, rows_quarantined::int
         FROM ops.file_accounting WHERE run_id = 'ingest-ok' ORDER BY source_file`,
    );
    expect(files.rows).toEqual([
      { source_file: 'customers.csv', lines_read: 3, rows_landed: 3, rows_quarantined: 0 },
      { source_file: 'products.csv', lines_read: 2, rows_landed: 2, rows_quarantined: 0 },
      { source_file: 'transaction_items.csv', lines_read: 6, rows_landed: 6, rows_quarantined: 0 },
      { source_file: 'transactions.part-0001.csv', lines_read: 4, rows_landed: 4, rows_quarantined: 0 },
      { source_file: 'transactions.part-0002.csv', lines_read: 6, rows_landed: 5, rows_quarantined: 1 },
    ]);
    const landed = await env.pool.query(
      `SELECT source_file, count(*)::int AS n, min(source_line)::int AS first FROM staging.transactions
        WHERE run_id = 'ingest-ok' GROUP BY 1 ORDER BY 1`,
    );
    expect(landed.rows).toEqual([
      { source_file: 'transactions.part-0001.csv', n: 4, first: 2 },
      { source_file: 'transactions.part-0002.csv', n: 5, first: 2 },
    ]);
    const validate = await runtime.queue('validate').getJob(stageJobId('ingest-ok', 'validate'));
    expect(validate?.data).toEqual({ runId: 'ingest-ok' });
  });

  it('treats a re-delivered part job as a no-op: counts and staged rows stay the same', async () => {
    const [task] = (await runtime.ledger.listTasks('ingest-ok', 'ingest')).filter((t) => t.task_key === 'transactions.part-0002.csv');
    const again = await runtime
      .queue('ingest')
      .add('part', { ...task.payload, runId: 'ingest-ok', taskKey: task.task_key }, { jobId: 'ingest-ok-part-again' });
    await waitFor(async () => ((await again.getState()) === 'completed' ? true : undefined), 'the duplicate part job');

    expect(await ingestStage('ingest-ok')).toMatchObject({ status: 'succeeded', rows_in: 21, rows_out: 20, rows_rejected: 1 });
    const counts = await env.pool.query(
      `SELECT (SELECT count(*)::int FROM staging.transactions WHERE run_id = 'ingest-ok') AS staged,
              (SELECT count(*)::int FROM ops.quarantine WHERE run_id = 'ingest-ok') AS quarantined,
              (SELECT sum(lines_read)::int FROM ops.file_accounting WHERE run_id = 'ingest-ok') AS lines_read`,
    );
    expect(counts.rows[0]).toEqual({ staged: 9, quarantined: 1, lines_read: 21 });
  });

  it('fails the run when an input file is missing, naming the file and the folder', async () => {
    const dir = inputFolder('batch-missing', {
      'customers.csv': csvFile('customers', 1),
      'products.csv': csvFile('products', 1),
      'transaction_items.csv': csvFile('transaction_items', 1),
    });

    await runtime.launchRun('ingest-missing-file', { mode: 'source', inputDir: dir });

    expect(await failedRun('ingest-missing-file')).toEqual({
      status: 'failed',
      failed_stage: 'ingest',
      error: `ingest: missing transactions.csv in ${dir}`,
    });
    expect(await runtime.queue('validate').getJob(stageJobId('ingest-missing-file', 'validate'))).toBeUndefined();
  });

  it('fails the run when the input folder does not exist, naming the path', async () => {
    const dir = join(env.config.dataRoot, 'no-such-folder');

    await runtime.launchRun('ingest-no-folder', { mode: 'source', inputDir: dir });

    expect((await failedRun('ingest-no-folder')).error).toBe(`ingest: input folder ${dir} does not exist`);
  });

  it('fails the run at once when a file lacks a required column, naming file and column', async () => {
    const broken = csvFile('transactions', 2).replace(',total_amount', '');
    const dir = inputFolder('batch-no-column', {
      'customers.csv': csvFile('customers', 1),
      'products.csv': csvFile('products', 1),
      'transactions.csv': broken,
      'transaction_items.csv': csvFile('transaction_items', 1),
    });

    await runtime.launchRun('ingest-no-column', { mode: 'source', inputDir: dir });

    const run = await failedRun('ingest-no-column');
    expect(run.error).toContain('transactions.csv: missing column total_amount');
    const task = await runtime.ledger.getTask('ingest-no-column', 'ingest', 'transactions.csv');
    expect(task?.status).toBe('failed');
    const staged = await env.pool.query("SELECT count(*)::int AS n FROM staging.transactions WHERE run_id = 'ingest-no-column'");
    expect(staged.rows[0].n).toBe(0);
  });
});
