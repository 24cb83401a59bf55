import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { RunParams } from '@ecom/contracts';
import { LedgerRepository, StageRuntime } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';

describe('POST /runs/:id/replay: a new source run over a folder of corrections', () => {
  let env: TestEnv;
  let app: INestApplication;
  let http: App;
  let ledger: LedgerRepository;
  let runtime: StageRuntime;
  let corrections: string;
  let outsideDir: string;

  beforeAll(async () => {
    env = await createTestEnv('api_replay');
    app = await createApiApp(env.config);
    await app.init();
    http = app.getHttpServer() as App;
    ledger = app.get(LedgerRepository);
    runtime = app.get(StageRuntime);
    corrections = join(env.config.dataRoot, 'corrections');
    mkdirSync(corrections);
    writeFileSync(join(corrections, 'transaction_items.csv'), 'item_id,transaction_id,product_id,quantity,unit_price,discount_percentage,line_total\n');
    outsideDir = mkdtempSync(join(tmpdir(), 'ecom-replay-outside-'));
    for (const [runId, status] of [
      ['finished', 'succeeded'],
      ['broken', 'failed'],
    ] as const) {
      await ledger.createRun(runId, { mode: 'source', inputDir: '/data/batch' });
      await setStatus(runId, status);
    }
    await ledger.createRun('rebuilt', { mode: 'rebuild', inputDir: '' });
    await setStatus('rebuilt', 'succeeded');
  });
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
    rmSync(outsideDir, { recursive: true, force: true });
  });

  const setStatus = (runId: string, status: string) => env.pool.query('UPDATE ops.runs SET status = $2 WHERE run_id = $1', [runId, status]);
  /** No workers here: a replay stays queued, and would hold off the next one, until marked done. */
  const replayAndFinish = async (runId: string): Promise<{ runId: string; replayOf: string }> => {
    const res = await request(http).post(`/runs/${runId}/replay`).send({ source: corrections }).expect(202);
    await setStatus(res.body.runId, 'succeeded');
    return res.body;
  };
  const runRow = (runId: string) =>
    env.pool
      .query<{ mode: string; status: string; params: RunParams }>('SELECT mode, status, params FROM ops.runs WHERE run_id = $1', [runId])
      .then((r) => r.rows[0]);
  const runCount = () => env.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ops.runs').then((r) => r.rows[0].n);

  it('records a source run that names the replayed run and queues its ingest, answering 202 like POST /runs', async () => {
    const res = await request(http).post('/runs/finished/replay').send({ source: corrections }).expect(202);
    expect(res.body).toEqual({
      runId: expect.stringMatching(/^\d{8}-\d{6}-[0-9a-f]{6}$/),
      status: 'queued',
      links: { self: `/runs/${res.body.runId}`, quality: `/runs/${res.body.runId}/quality` },
      replayOf: 'finished',
    });
    expect(await runRow(res.body.runId)).toEqual({
      mode: 'source',
      status: 'queued',
      params: { mode: 'source', inputDir: realpathSync(corrections), replayOf: 'finished' },
    });
    expect((await runtime.queue('ingest').getJob(`${res.body.runId}-ingest`))?.name).toBe('plan');
    await setStatus(res.body.runId, 'succeeded');
  });

  it('replays a failed run too: the rejects it wrote before failing still need corrections', async () => {
    const { runId } = await replayAndFinish('broken');
    expect((await runRow(runId)).params.replayOf).toBe('broken');
  });

  it('answers 404 for an unknown run and 409 for one still queued or running, recording nothing', async () => {
    await ledger.createRun('busy', { mode: 'source', inputDir: '/data/batch' });
    await setStatus('busy', 'running');
    await ledger.createRun('waiting', { mode: 'source', inputDir: '/data/batch' });
    const before = await runCount();
    const missing = await request(http).post('/runs/no-such-run/replay').send({ source: corrections }).expect(404);
    expect(missing.body.message).toBe('run no-such-run not found');
    const busy = await request(http).post('/runs/busy/replay').send({ source: corrections }).expect(409);
    expect(busy.body.message).toBe('run busy is still running; replay it once it has finished');
    const waiting = await request(http).post('/runs/waiting/replay').send({ source: corrections }).expect(409);
    expect(waiting.body.message).toBe('run waiting is still queued; replay it once it has finished');
    expect(await runCount()).toBe(before);
  });

  it('waits its turn like any run: 409 while another run is active, naming it', async () => {
    const res = await request(http).post('/runs/finished/replay').send({ source: corrections }).expect(409);
    expect(res.body).toMatchObject({ activeRunId: expect.stringMatching(/^(busy|waiting)$/), skippedId: expect.anything() });
    expect(res.body.message).toMatch(/^run (busy|waiting) is still (running|queued); only one run at a time/);
    await setStatus('busy', 'failed');
    await setStatus('waiting', 'failed');
    await replayAndFinish('finished');
  });

  it('refuses a folder the way POST /runs does: outside the roots, through a symlink, missing, none of the four files', async () => {
    const before = await runCount();
    const roots = env.config.sourceRoots.join(', ');
    const outside = await request(http).post('/runs/finished/replay').send({ source: outsideDir }).expect(400);
    expect(outside.body.message).toBe(`source ${outsideDir} is outside the allowed folders: ${roots}`);
    const link = join(env.config.dataRoot, 'escape');
    symlinkSync(outsideDir, link);
    const viaLink = await request(http).post('/runs/finished/replay').send({ source: link }).expect(400);
    expect(viaLink.body.message).toBe(`source ${link} is outside the allowed folders: ${roots}`);
    const missing = join(env.config.dataRoot, 'no-such-folder');
    expect((await request(http).post('/runs/finished/replay').send({ source: missing }).expect(400)).body.message).toBe(
      `source ${missing} does not exist`,
    );
    const notes = join(env.config.dataRoot, 'notes-only');
    mkdirSync(notes);
    writeFileSync(join(notes, 'fixes.txt'), 'to do');
    expect((await request(http).post('/runs/finished/replay').send({ source: notes }).expect(400)).body.message).toBe(
      `no input file in ${notes}: expected at least one of customers.csv, products.csv, transactions.csv, transaction_items.csv (or their .part-NNNN.csv parts)`,
    );
    expect(await runCount()).toBe(before);
  });

  it('refuses a body without a source, extra fields, a rebuild run and a malformed id', async () => {
    const none = await request(http).post('/runs/finished/replay').send({}).expect(400);
    expect(none.body.message).toEqual(expect.arrayContaining(['source must be a string']));
    const extra = await request(http).post('/runs/finished/replay').send({ source: corrections, days: 2 }).expect(400);
    expect(extra.body.message).toEqual(['property days should not exist']);
    const rebuild = await request(http).post('/runs/rebuilt/replay').send({ source: corrections }).expect(400);
    expect(rebuild.body.message).toBe('run rebuilt is a rebuild: it read no input and has no rejects to replay');
    await request(http).post('/runs/bad%20id/replay').send({ source: corrections }).expect(400);
  });
});
