import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { repoRoot } from '@ecom/config';
import { ENTITY_SPECS, STAGES, type RunParams, type RunReport } from '@ecom/contracts';
import { LedgerRepository, StageRuntime } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';

describe('runs API: launching runs and reading their ledger', () => {
  let env: TestEnv;
  let app: INestApplication;
  let http: App;
  let runtime: StageRuntime;
  let ledger: LedgerRepository;
  let outsideDir: string;

  beforeAll(async () => {
    env = await createTestEnv('api_runs');
    app = await createApiApp(env.config);
    await app.init();
    http = app.getHttpServer() as App;
    runtime = app.get(StageRuntime);
    ledger = app.get(LedgerRepository);
    outsideDir = mkdtempSync(join(tmpdir(), 'ecom-api-outside-'));
  });
  afterAll(async () => {
    await app.close();
    await env.teardown();
    rmSync(outsideDir, { recursive: true, force: true });
  });

  const runRow = (runId: string) =>
    env.pool
      .query<{ mode: string; status: string; params: RunParams }>('SELECT mode, status, params FROM ops.runs WHERE run_id = $1', [runId])
      .then((r) => r.rows[0]);
  const stageStatuses = (runId: string) =>
    env.pool
      .query<{ stage: string; status: string }>('SELECT stage, status FROM ops.run_stages WHERE run_id = $1 ORDER BY seq', [runId])
      .then((r) => r.rows);
  const runCount = () => env.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ops.runs').then((r) => r.rows[0].n);
  // POST /runs answers 409 while a run is active and no worker runs these: finish them by hand.
  const finishActiveRuns = () => env.pool.query(`UPDATE ops.runs SET status = 'succeeded' WHERE status IN ('queued', 'running')`);

  describe('POST /runs with mode incremental (daily deltas)', () => {
    afterEach(() => finishActiveRuns());

    it('refuses a delta while no generated run exists, and records nothing', async () => {
      const res = await request(http).post('/runs').send({ mode: 'incremental', days: 1 }).expect(400);
      expect(res.body.message).toBe('mode incremental needs an earlier generated run to continue; start one first (POST /runs without a mode)');
      expect(await runCount()).toBe(0);
    });

    it('continues the days after the newest generated run that has not failed, with its data set', async () => {
      const base = (await request(http).post('/runs').send({ customers: 50, products: 20, transactions: 300, seed: 9 }).expect(202)).body.runId;
      await finishActiveRuns();
      const first = (await request(http).post('/runs').send({ mode: 'incremental', days: 2 }).expect(202)).body.runId;
      const run = await runRow(first);
      expect(run.mode).toBe('incremental');
      expect(run.params).toEqual({
        mode: 'incremental',
        generate: { customers: 50, products: 20, transactions: 300, seed: 9, startDate: '2024-01-01', endDate: '2024-12-31' },
        incremental: { baseRunId: base, previousRunId: base, fromDate: '2025-01-01', toDate: '2025-01-02', days: 2 },
        inputDir: join(env.config.dataRoot, 'raw', first),
      });
      expect((await runtime.queue('generate').getJob(`${first}-generate`))?.name).toBe('plan');

      await finishActiveRuns();
      const second = (await request(http).post('/runs').send({ mode: 'incremental' }).expect(202)).body.runId;
      expect((await runRow(second)).params.incremental).toEqual({
        baseRunId: base,
        previousRunId: first,
        fromDate: '2025-01-03',
        toDate: '2025-01-03',
        days: 1,
      });

      // A failed delta is generated again by the next one: same days, same data (seeded by day).
      await env.pool.query(`UPDATE ops.runs SET status = 'failed' WHERE run_id = $1`, [second]);
      const retry = (await request(http).post('/runs').send({ mode: 'incremental' }).expect(202)).body.runId;
      expect((await runRow(retry)).params.incremental).toMatchObject({ previousRunId: first, fromDate: '2025-01-03' });
    });

    it('refuses sizes, seed, dates or a source with a delta, and days without one', async () => {
      const before = await runCount();
      const sized = await request(http).post('/runs').send({ mode: 'incremental', customers: 5, startDate: '2025-01-01' }).expect(400);
      expect(sized.body.message).toBe(
        'mode incremental continues the last generated data set with its own sizes, seed and dates; remove customers, startDate',
      );
      const days = await request(http).post('/runs').send({ days: 3 }).expect(400);
      expect(days.body.message).toBe('days is only for mode incremental');
      const tooMany = await request(http).post('/runs').send({ mode: 'incremental', days: 400 }).expect(400);
      expect(tooMany.body.message).toEqual(['days must not be greater than 366']);
      const mode = await request(http).post('/runs').send({ mode: 'delta' }).expect(400);
      expect(mode.body.message).toEqual(['mode must be one of the following values: full, incremental, rebuild']);
      expect(await runCount()).toBe(before);
    });
  });

  describe('POST /runs', () => {
    afterEach(() => finishActiveRuns());

    it('records a generate run with the configured defaults and queues the generator plan', async () => {
      const res = await request(http).post('/runs').send({}).expect(202);
      const runId: string = res.body.runId;
      expect(runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
      expect(res.body).toEqual({
        runId,
        status: 'queued',
        links: { self: `/runs/${runId}`, quality: `/runs/${runId}/quality` },
      });

      const run = await runRow(runId);
      expect(run.mode).toBe('generate');
      expect(run.status).toBe('queued');
      expect(run.params).toEqual({
        mode: 'generate',
        inputDir: join(env.config.dataRoot, 'raw', runId),
        generate: { customers: 1000, products: 500, transactions: 10000, seed: 42, startDate: '2024-01-01', endDate: '2024-12-31' },
      });
      expect(await stageStatuses(runId)).toEqual(STAGES.map((stage) => ({ stage, status: 'pending' })));

      const job = await runtime.queue('generate').getJob(`${runId}-generate`);
      expect(job?.name).toBe('plan');
      expect(job?.data).toEqual({ runId });
    });

    it('applies the sizes, seed and dates a caller gives, numbers sent as strings included', async () => {
      const res = await request(http)
        .post('/runs')
        .send({ customers: 50, products: '20', transactions: 300, seed: 7, startDate: '2024-03-01', endDate: '2024-03-31' })
        .expect(202);
      const run = await runRow(res.body.runId);
      expect(run.params.generate).toEqual({
        customers: 50,
        products: 20,
        transactions: 300,
        seed: 7,
        startDate: '2024-03-01',
        endDate: '2024-03-31',
      });
    });

    it('refuses a bad body with a message naming the field, and records nothing', async () => {
      const before = await runCount();
      const negative = await request(http).post('/runs').send({ transactions: -5 }).expect(400);
      expect(negative.body.message).toEqual(['transactions must not be less than 1']);

      // Not a number at all: the bounds fail too (NaN), but only the type error is true to say.
      const word = await request(http).post('/runs').send({ transactions: 'many', seed: 'x', days: 400 }).expect(400);
      expect([...(word.body.message as string[])].sort()).toEqual(['days must not be greater than 366', 'seed must be an integer number', 'transactions must be an integer number']);

      const unknown = await request(http).post('/runs').send({ colour: 'red' }).expect(400);
      expect(unknown.body.message).toEqual(['property colour should not exist']);

      const badDate = await request(http).post('/runs').send({ startDate: '2024-13-01' }).expect(400);
      expect(badDate.body.message).toEqual(['startDate must be a date YYYY-MM-DD between 1900-01-01 and 2199-12-31']);

      const reversed = await request(http).post('/runs').send({ startDate: '2024-06-01', endDate: '2024-05-01' }).expect(400);
      expect(reversed.body.message).toBe('startDate 2024-06-01 is after endDate 2024-05-01');

      // Only the end date given: it is checked against the default start date.
      const beforeDefault = await request(http).post('/runs').send({ endDate: '2023-12-31' }).expect(400);
      expect(beforeDefault.body.message).toBe('startDate 2024-01-01 is after endDate 2023-12-31');

      expect(await runCount()).toBe(before);
    });

    it('starts a source run at ingest from a folder inside an allowed root, by its real path', async () => {
      const batch = join(env.config.dataRoot, 'incoming', 'batch-1');
      mkdirSync(batch, { recursive: true });
      // New orders only: any non-empty subset of the four files is a batch.
      writeFileSync(join(batch, 'transactions.csv'), `${ENTITY_SPECS.transactions.columns.join(',')}\n`);
      const res = await request(http).post('/runs').send({ source: batch }).expect(202);
      const runId: string = res.body.runId;

      const run = await runRow(runId);
      expect(run.mode).toBe('source');
      expect(run.params).toEqual({ mode: 'source', inputDir: realpathSync(batch) });
      const stages = await stageStatuses(runId);
      expect(stages[0]).toEqual({ stage: 'generate', status: 'skipped' });
      expect(stages.slice(1).every((s) => s.status === 'pending')).toBe(true);

      const job = await runtime.queue('ingest').getJob(`${runId}-ingest`);
      expect(job?.name).toBe('plan');
      expect(await runtime.queue('generate').getJob(`${runId}-generate`)).toBeUndefined();
    });

    it('starts a rebuild run at the warehouse, skipping the stages that read input', async () => {
      const res = await request(http).post('/runs').send({ mode: 'rebuild' }).expect(202);
      const runId: string = res.body.runId;
      expect((await runRow(runId)).params).toEqual({ mode: 'rebuild', inputDir: '' });
      expect((await stageStatuses(runId)).map((s) => `${s.stage}:${s.status}`)).toEqual([
        'generate:skipped',
        'ingest:skipped',
        'validate:skipped',
        'transform:skipped',
        'warehouse:pending',
        'analytics:pending',
      ]);
      expect((await runtime.queue('warehouse').getJob(`${runId}-warehouse`))?.name).toBe('run');

      const refused = await request(http).post('/runs').send({ mode: 'rebuild', transactions: 5 }).expect(400);
      expect(refused.body.message).toBe('mode rebuild takes no input; remove transactions');
    });

    it('resolves a relative source against the repository root', async () => {
      const batch = join(env.config.dataRoot, 'relative-batch');
      mkdirSync(batch);
      writeFileSync(join(batch, 'customers.csv'), `${ENTITY_SPECS.customers.columns.join(',')}\n`);
      const res = await request(http).post('/runs').send({ source: relative(repoRoot(), batch) }).expect(202);
      expect((await runRow(res.body.runId)).params.inputDir).toBe(realpathSync(batch));
    });

    it('refuses a source outside the allowed folders, even through a symlink inside one', async () => {
      const roots = env.config.sourceRoots.join(', ');
      const outside = await request(http).post('/runs').send({ source: outsideDir }).expect(400);
      expect(outside.body.message).toBe(`source ${outsideDir} is outside the allowed folders: ${roots}`);

      const link = join(env.config.dataRoot, 'escape');
      symlinkSync(outsideDir, link);
      const viaLink = await request(http).post('/runs').send({ source: link }).expect(400);
      expect(viaLink.body.message).toBe(`source ${link} is outside the allowed folders: ${roots}`);

      const dotted = await request(http).post('/runs').send({ source: join(env.config.dataRoot, '..', '..') }).expect(400);
      expect(dotted.body.message).toMatch(/is outside the allowed folders/);
    });

    it('refuses a folder whose files lead outside the roots through symbolic links, and records nothing', async () => {
      const before = await runCount();
      writeFileSync(join(outsideDir, 'customers.csv'), `${ENTITY_SPECS.customers.columns.join(',')}\n`);
      const batch = join(env.config.dataRoot, 'linked-files');
      mkdirSync(batch);
      writeFileSync(join(batch, 'transactions.csv'), `${ENTITY_SPECS.transactions.columns.join(',')}\n`);
      symlinkSync(join(outsideDir, 'customers.csv'), join(batch, 'customers.csv'));
      // A dangling link out of the roots gets the same answer: nothing tells whether the target exists.
      symlinkSync(join(outsideDir, 'no-such-file.csv'), join(batch, 'products.csv'));
      const res = await request(http).post('/runs').send({ source: batch }).expect(400);
      expect(res.body.message).toBe(
        `source ${batch}: customers.csv leads outside the allowed folders through a symbolic link; ` +
          'products.csv leads outside the allowed folders through a symbolic link; copy the files into the folder instead of linking them',
      );
      expect(res.body.message).not.toContain(outsideDir);
      expect(await runCount()).toBe(before);
    });

    it('accepts links between folders inside the roots', async () => {
      const shared = join(env.config.dataRoot, 'shared-masters');
      mkdirSync(shared);
      writeFileSync(join(shared, 'products.csv'), `${ENTITY_SPECS.products.columns.join(',')}\n`);
      const batch = join(env.config.dataRoot, 'linked-inside');
      mkdirSync(batch);
      symlinkSync(join(shared, 'products.csv'), join(batch, 'products.csv'));
      const res = await request(http).post('/runs').send({ source: batch }).expect(202);
      expect((await runRow(res.body.runId)).params.inputDir).toBe(realpathSync(batch));
    });

    it('refuses a source that is missing or not a directory, naming it', async () => {
      const missing = join(env.config.dataRoot, 'no-such-batch');
      const res = await request(http).post('/runs').send({ source: missing }).expect(400);
      expect(res.body.message).toBe(`source ${missing} does not exist`);

      const file = join(env.config.dataRoot, 'customers.csv');
      writeFileSync(file, 'customer_id\n');
      const notDir = await request(http).post('/runs').send({ source: file }).expect(400);
      // Named as the caller gave it: the real path behind links stays on the server.
      expect(notDir.body.message).toBe(`source ${file} is not a directory`);
    });

    it('refuses a folder with none of the four input files in one line, naming it and the file names', async () => {
      const before = await runCount();
      const folder = join(env.config.dataRoot, 'not-yet-copied');
      mkdirSync(join(folder, 'transactions.csv'), { recursive: true }); // a folder of that name is not a file
      writeFileSync(join(folder, 'orders.csv'), 'order_id\n');
      const res = await request(http).post('/runs').send({ source: folder }).expect(400);
      expect(res.body.message).toBe(
        `no input file in ${folder}: expected at least one of customers.csv, products.csv, transactions.csv, transaction_items.csv (or their .part-NNNN.csv parts)`,
      );
      expect(await runCount()).toBe(before);
    });
  });

  describe('GET /runs', () => {
    it('lists runs newest first, paged', async () => {
      const ids = (await env.pool.query<{ run_id: string }>('SELECT run_id FROM ops.runs ORDER BY created_at DESC')).rows.map(
        (r) => r.run_id,
      );
      expect(ids.length).toBeGreaterThanOrEqual(3);

      const all = await request(http).get('/runs').expect(200);
      expect(all.body.limit).toBe(20);
      expect(all.body.offset).toBe(0);
      expect(all.body.runs.map((r: { runId: string }) => r.runId)).toEqual(ids.slice(0, 20));
      expect(all.body.runs[0]).toEqual({
        runId: ids[0],
        mode: expect.stringMatching(/^(generate|source)$/),
        // Finished by hand after each POST spec (one run at a time).
        status: 'succeeded',
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        finishedAt: null,
        failedStage: null,
        error: null,
      });

      const page = await request(http).get('/runs?limit=1&offset=1').expect(200);
      expect(page.body.runs.map((r: { runId: string }) => r.runId)).toEqual([ids[1]]);
    });

    it('refuses a bad limit or offset', async () => {
      const zero = await request(http).get('/runs?limit=0').expect(400);
      expect(zero.body.message).toEqual(['limit must not be less than 1']);
      const word = await request(http).get('/runs?offset=abc').expect(400);
      expect(word.body.message.join(' ')).toMatch(/offset/);
    });
  });

  describe('GET /runs/:id', () => {
    const runId = 'report-run';

    beforeAll(async () => {
      await ledger.createRun(runId, { mode: 'source', inputDir: '/data/batch' });
      await env.pool.query(
        `UPDATE ops.runs SET status = 'running', created_at = '2024-05-01T10:00:00Z', started_at = '2024-05-01T10:00:01Z'
          WHERE run_id = $1`,
        [runId],
      );
      await env.pool.query(
        `UPDATE ops.run_stages SET status = 'succeeded', attempts = 1, rows_in = 100, rows_out = 97, rows_rejected = 3,
                tasks_total = 2, tasks_done = 2, started_at = '2024-05-01T10:00:01Z', finished_at = '2024-05-01T10:00:03.5Z'
          WHERE run_id = $1 AND stage = 'ingest'`,
        [runId],
      );
      await env.pool.query(
        `UPDATE ops.run_stages SET status = 'running', attempts = 1, started_at = '2024-05-01T10:00:04Z',
                detail = '{"progress": {"checksDone": 4, "checksTotal": 12}}'
          WHERE run_id = $1 AND stage = 'validate'`,
        [runId],
      );
      await env.pool.query(
        `INSERT INTO ops.file_accounting (run_id, source_file, entity, lines_read, rows_landed, rows_quarantined)
         VALUES ($1, 'customers.csv', 'customers', 60, 58, 2), ($1, 'products.csv', 'products', 40, 39, 1)`,
        [runId],
      );
      await env.pool.query(
        `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, reason_code, message)
         VALUES ($1, 'ingest', 'customers', 'customers.csv', 3, 'bad_column_count', 'x'),
                ($1, 'ingest', 'customers', 'customers.csv', 9, 'bad_column_count', 'x'),
                ($1, 'ingest', 'products', 'products.csv', 4, 'unparseable_line', 'x')`,
        [runId],
      );
    });

    it('reports stages, files, rejects and timing as numbers, with balanced accounting', async () => {
      const res = await request(http).get(`/runs/${runId}`).expect(200);
      const report = res.body as RunReport;
      expect(report).toMatchObject({
        runId,
        mode: 'source',
        status: 'running',
        failedStage: null,
        error: null,
        // Outside every root: only the last component is shown.
        params: { mode: 'source', inputDir: 'batch' },
        createdAt: '2024-05-01T10:00:00.000Z',
        startedAt: '2024-05-01T10:00:01.000Z',
        finishedAt: null,
        durationMs: null,
        quality: null,
        accountingBalanced: true,
      });
      expect(report.stages.map((s) => `${s.stage}:${s.status}`)).toEqual([
        'generate:skipped',
        'ingest:succeeded',
        'validate:running',
        'transform:pending',
        'warehouse:pending',
        'analytics:pending',
      ]);
      expect(report.stages[1]).toEqual({
        stage: 'ingest',
        status: 'succeeded',
        attempts: 1,
        startedAt: '2024-05-01T10:00:01.000Z',
        finishedAt: '2024-05-01T10:00:03.500Z',
        durationMs: 2500,
        rowsIn: 100,
        rowsOut: 97,
        rowsRejected: 3,
        tasksTotal: 2,
        tasksDone: 2,
        progress: null,
        detail: {},
        error: null,
      });
      expect(report.stages[2].progress).toEqual({ checksDone: 4, checksTotal: 12 });
      expect(report.stages[2].rowsIn).toBeNull();
      expect(report.files).toEqual([
        { sourceFile: 'customers.csv', entity: 'customers', linesRead: 60, rowsLanded: 58, rowsQuarantined: 2, blankLines: 0 },
        { sourceFile: 'products.csv', entity: 'products', linesRead: 40, rowsLanded: 39, rowsQuarantined: 1, blankLines: 0 },
      ]);
      // The folder had only these two: the others are absent, not files of zero lines.
      expect(report.absentFiles).toEqual(['transactions.csv', 'transaction_items.csv']);
      expect(report.rejectsByReason).toEqual([
        { stage: 'ingest', reasonCode: 'bad_column_count', count: 2 },
        { stage: 'ingest', reasonCode: 'unparseable_line', count: 1 },
      ]);
    });

    it('reports the run duration and quality verdict once finished', async () => {
      await env.pool.query(
        `UPDATE ops.runs SET status = 'failed', failed_stage = 'validate', error = 'quality below threshold',
                finished_at = '2024-05-01T10:00:10Z' WHERE run_id = $1`,
        [runId],
      );
      await env.pool.query(`INSERT INTO ops.quality_scores (run_id, score, grade, threshold, passed) VALUES ($1, 61.5, 'D', 70, false)`, [
        runId,
      ]);
      const report = (await request(http).get(`/runs/${runId}`).expect(200)).body as RunReport;
      expect(report).toMatchObject({
        status: 'failed',
        failedStage: 'validate',
        error: 'quality below threshold',
        finishedAt: '2024-05-01T10:00:10.000Z',
        durationMs: 9000,
        quality: { score: 61.5, grade: 'D', threshold: 70, passed: false },
      });
    });

    it('flags accounting that does not add up, per file and per stage', async () => {
      // The ledger's CHECK constraints keep real stages honest; lifting them in this suite's own
      // database is the only way to show what the report says about a broken ledger.
      await env.pool.query('ALTER TABLE ops.file_accounting DROP CONSTRAINT file_lines_add_up');
      await env.pool.query('ALTER TABLE ops.run_stages DROP CONSTRAINT stage_rows_add_up');

      await env.pool.query(`UPDATE ops.file_accounting SET lines_read = 61 WHERE run_id = $1 AND source_file = 'customers.csv'`, [runId]);
      expect((await request(http).get(`/runs/${runId}`).expect(200)).body.accountingBalanced).toBe(false);

      await env.pool.query(`UPDATE ops.file_accounting SET lines_read = 60 WHERE run_id = $1 AND source_file = 'customers.csv'`, [runId]);
      expect((await request(http).get(`/runs/${runId}`).expect(200)).body.accountingBalanced).toBe(true);

      await env.pool.query(`UPDATE ops.run_stages SET rows_out = 96 WHERE run_id = $1 AND stage = 'ingest'`, [runId]);
      expect((await request(http).get(`/runs/${runId}`).expect(200)).body.accountingBalanced).toBe(false);
    });

    it('shows folders relative to their root, never the absolute server paths the workers use', async () => {
      const batch = join(env.config.dataRoot, 'incoming', 'shown-batch');
      mkdirSync(batch, { recursive: true });
      writeFileSync(join(batch, 'customers.csv'), `${ENTITY_SPECS.customers.columns.join(',')}\n`);
      const source = (await request(http).post('/runs').send({ source: batch }).expect(202)).body.runId;
      await env.pool.query(`UPDATE ops.runs SET status = 'failed', error = $2 WHERE run_id = $1`, [
        source,
        `input folder ${realpathSync(batch)} does not exist`,
      ]);
      await env.pool.query(`UPDATE ops.run_stages SET status = 'failed', error = $2 WHERE run_id = $1 AND stage = 'ingest'`, [
        source,
        `no input file in ${batch}: expected at least one of ...`,
      ]);
      const report = (await request(http).get(`/runs/${source}`).expect(200)).body as RunReport;
      expect(report.params).toEqual({ mode: 'source', inputDir: 'incoming/shown-batch' });
      expect(report.error).toBe('input folder incoming/shown-batch does not exist');
      expect(report.stages.find((s) => s.stage === 'ingest')?.error).toBe('no input file in incoming/shown-batch: expected at least one of ...');
      const listed = (await request(http).get('/runs').expect(200)).body.runs.find((r: { runId: string }) => r.runId === source);
      expect(listed.error).toBe('input folder incoming/shown-batch does not exist');

      const generated = (await request(http).post('/runs').send({ transactions: 10 }).expect(202)).body.runId;
      expect(((await request(http).get(`/runs/${generated}`).expect(200)).body as RunReport).params.inputDir).toBe(`raw/${generated}`);
      await finishActiveRuns();
      // What the workers read stays absolute.
      expect((await runRow(generated)).params.inputDir).toBe(join(env.config.dataRoot, 'raw', generated));
    });

    it('answers 404 for an unknown run and 400 for a malformed id', async () => {
      const missing = await request(http).get('/runs/no-such-run').expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404, message: 'run no-such-run not found' });

      const malformed = await request(http).get('/runs/bad%20id!').expect(400);
      expect(malformed.body.message).toMatch(/run id "bad id!" is not valid/);
      await request(http).get(`/runs/${'x'.repeat(65)}`).expect(400);
    });
  });

  describe('GET /runs/:id/quality', () => {
    const runId = 'quality-run';

    it('answers 404 until a stage has checked the run, then every check of every stage with its verdict', async () => {
      await request(http).get('/runs/nobody/quality').expect(404, { statusCode: 404, message: 'run nobody not found', error: 'Not Found' });

      await ledger.createRun(runId, { mode: 'source', inputDir: '/data/batch' });
      const before = await request(http).get(`/runs/${runId}/quality`).expect(404);
      expect(before.body.message).toMatch(/^run quality-run has no quality report yet/);

      await env.pool.query(`INSERT INTO ops.quality_scores (run_id, score, grade, threshold, passed) VALUES ($1, 92.25, 'A', 70, true)`, [
        runId,
      ]);
      await env.pool.query(
        `INSERT INTO ops.quality_checks (run_id, check_name, check_type, stage, family, entity, severity, threshold,
                                         allowed_violations, weight, rows_checked, violations, sample_ids, passed, description)
         VALUES ($1, 'customers_email_unique', 'unique', 'validate', 'uniqueness', 'customers', 'warn', '0',
                 0, 2, 1000, 3, '{C1,C2,C3}', false, 'emails are unique'),
                ($1, 'items_product_exists', 'relationships', 'validate', 'referential_integrity', 'transaction_items', 'error', '50%',
                 2500, 3, 5000, 0, '{}', true, 'items point at products'),
                ($1, 'reconcile_revenue_staging_production', 'reconciliation', 'transform', 'consistency', 'transaction_items', 'error', '0',
                 0, 1, 4900, 0, '{}', true, 'accepted staged revenue = delivered revenue')`,
        [runId],
      );
      const res = await request(http).get(`/runs/${runId}/quality`).expect(200);
      expect(res.body).toEqual({
        runId,
        score: 92.25,
        grade: 'A',
        threshold: 70,
        passed: true,
        stagingScore: 92.25,
        stagingGrade: 'A',
        rejectRates: [],
        // Warnings first, then passes; within them the validator's checks before the later stages'.
        checks: [
          {
            checkName: 'customers_email_unique',
            checkType: 'unique',
            stage: 'validate',
            family: 'uniqueness',
            entity: 'customers',
            severity: 'warn',
            threshold: '0',
            allowedViolations: 0,
            weight: 2,
            rowsChecked: 1000,
            violations: 3,
            sampleIds: ['C1', 'C2', 'C3'],
            passed: false,
            status: 'warn',
            description: 'emails are unique',
          },
          {
            checkName: 'items_product_exists',
            checkType: 'relationships',
            stage: 'validate',
            family: 'referential_integrity',
            entity: 'transaction_items',
            severity: 'error',
            threshold: '50%',
            allowedViolations: 2500,
            weight: 3,
            rowsChecked: 5000,
            violations: 0,
            sampleIds: [],
            passed: true,
            status: 'pass',
            description: 'items point at products',
          },
          {
            checkName: 'reconcile_revenue_staging_production',
            checkType: 'reconciliation',
            stage: 'transform',
            family: 'consistency',
            entity: 'transaction_items',
            severity: 'error',
            threshold: '0',
            allowedViolations: 0,
            weight: 1,
            rowsChecked: 4900,
            violations: 0,
            sampleIds: [],
            passed: true,
            status: 'pass',
            description: 'accepted staged revenue = delivered revenue',
          },
        ],
      });
    });

    it('grades the whole run once the transform measured the reject rates: the worst entity bounds the score', async () => {
      const graded = 'quality-rejects';
      await ledger.createRun(graded, { mode: 'source', inputDir: '/data/batch' });
      await env.pool.query(`INSERT INTO ops.quality_scores (run_id, score, grade, threshold, passed) VALUES ($1, 100, 'A', 70, true)`, [graded]);
      await env.pool.query(
        `INSERT INTO ops.reject_rates (run_id, entity, records, ingest_rejects, transform_rejects, reject_rate, max_reject_pct, passed, top_reasons)
         VALUES ($1, 'customers', 20, 0, 1, 0.05, 10, true, '[{"reason": "invalid_email", "count": 1}]'),
                ($1, 'products', 5, 0, 0, 0, 10, true, '[]'),
                ($1, 'transactions', 50, 1, 40, 0.82, 5, false,
                 '[{"reason": "total_amount_mismatch", "count": 30}, {"reason": "orphan_customer", "count": 9}, {"reason": "field_count", "count": 1}]'),
                ($1, 'transaction_items', 120, 0, 90, 0.75, 5, false, '[{"reason": "orphan_transaction", "count": 90}]')`,
        [graded],
      );
      const res = await request(http).get(`/runs/${graded}/quality`).expect(200);
      // The staging checks alone said 100 (A); 82% of the orders were lost, so the run is 18 (F).
      expect(res.body).toMatchObject({ score: 18, grade: 'F', threshold: 70, passed: false, stagingScore: 100, stagingGrade: 'A' });
      expect(res.body.rejectRates[2]).toEqual({
        entity: 'transactions',
        records: 50,
        ingestRejects: 1,
        transformRejects: 40,
        rejectRate: 0.82,
        maxRejectPercent: 5,
        passed: false,
        topReasons: [
          { reason: 'total_amount_mismatch', count: 30 },
          { reason: 'orphan_customer', count: 9 },
          { reason: 'field_count', count: 1 },
        ],
      });
      expect(res.body.rejectRates.map((r: { entity: string }) => r.entity)).toEqual(['customers', 'products', 'transactions', 'transaction_items']);
      const report = (await request(http).get(`/runs/${graded}`).expect(200)).body as RunReport;
      expect(report.quality).toEqual({
        score: 18,
        grade: 'F',
        threshold: 70,
        passed: false,
        stagingScore: 100,
        stagingGrade: 'A',
        rejectRates: res.body.rejectRates,
      });
    });

    it('reports a rebuild, which only the warehouse checks, without a score; a failed reconciliation fails it', async () => {
      const rebuild = 'quality-rebuild';
      await ledger.createRun(rebuild, { mode: 'rebuild', inputDir: '' });
      await env.pool.query(
        `INSERT INTO ops.quality_checks (run_id, check_name, check_type, stage, family, entity, severity, threshold,
                                         allowed_violations, weight, rows_checked, violations, sample_ids, passed, description)
         VALUES ($1, 'reconcile_transaction_items_production_warehouse', 'reconciliation', 'warehouse', 'consistency',
                 'transaction_items', 'error', '0', 0, 1, 10, 0, '{}', true, 'one fact per line'),
                ($1, 'reconcile_revenue_production_warehouse', 'reconciliation', 'warehouse', 'consistency',
                 'transaction_items', 'error', '0', 0, 1, 10, 180.00, '{I1}', false, 'fact revenue = production revenue')`,
        [rebuild],
      );
      const res = await request(http).get(`/runs/${rebuild}/quality`).expect(200);
      expect(res.body).toMatchObject({ runId: rebuild, score: null, grade: null, threshold: null, passed: false, stagingScore: null, rejectRates: [] });
      expect(res.body.checks.map((c: { checkName: string; stage: string; status: string; violations: number; sampleIds: string[] }) => [
        c.checkName,
        c.stage,
        c.status,
        c.violations,
        c.sampleIds,
      ])).toEqual([
        ['reconcile_revenue_production_warehouse', 'warehouse', 'fail', 180, ['I1']],
        ['reconcile_transaction_items_production_warehouse', 'warehouse', 'pass', 0, []],
      ]);
    });
  });
  describe('GET /runs/:id/profile', () => {
    const runId = 'profile-run';

    it('answers 404 until the run has a stored profile, then the profile, also in the run report', async () => {
      await request(http).get('/runs/nobody/profile').expect(404, { statusCode: 404, message: 'run nobody not found', error: 'Not Found' });
      await ledger.createRun(runId, { mode: 'source', inputDir: '/data/batch' });
      const before = await request(http).get(`/runs/${runId}/profile`).expect(404);
      expect(before.body.message).toBe(`run ${runId} has no data profile yet (status queued); it is stored when the transform commits, or when the validate or transform stage stops the run`);
      expect((await request(http).get(`/runs/${runId}`).expect(200)).body.profile).toBeNull();

      const measured = { orders: 2, orderLines: 5, q4PeakIndex: null, geographyMismatches: 0, paymentMix: [{ paymentMethod: 'UPI', orders: 2, share: 1 }] };
      await env.pool.query(`INSERT INTO ops.run_profiles (run_id, profile, computed_at) VALUES ($1, $2, '2024-05-01T10:00:05Z')`, [
        runId,
        JSON.stringify(measured),
      ]);
      const res = await request(http).get(`/runs/${runId}/profile`).expect(200);
      expect(res.body).toEqual({ runId, computedAt: '2024-05-01T10:00:05.000Z', ...measured });
      expect((await request(http).get(`/runs/${runId}`).expect(200)).body.profile).toEqual(res.body);
      await request(http).get('/runs/bad%20id!/profile').expect(400);
    });
  });
});
