import type { INestApplication } from '@nestjs/common';
import { Worker } from 'bullmq';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { RunParams } from '@ecom/contracts';
import { LedgerRepository, StageRuntime, closeQueueConnection, queueConnection } from '@ecom/pipeline';
import { createTestEnv, ledgerProbes, waitFor, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';

/**
 * POST /runs/:id/resume: the run reopened in the ledger, its missing or failed job queued again
 * (the reconciler the ops worker runs every round, here for one run). No workers here, so every
 * job the specs look at stays where the api put it.
 */
describe('POST /runs/:id/resume', () => {
  let env: TestEnv;
  let app: INestApplication;
  let http: App;
  let runtime: StageRuntime;
  let ledger: LedgerRepository;
  const source: RunParams = { mode: 'source', inputDir: '/data/batch' };

  const { stageStatuses, jobState, settle } = ledgerProbes(() => ({ pool: env.pool, ledger, runtime }));

  beforeAll(async () => {
    env = await createTestEnv('api_resume');
    app = await createApiApp(env.config);
    await app.init();
    http = app.getHttpServer() as App;
    runtime = app.get(StageRuntime);
    ledger = app.get(LedgerRepository);
  });
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });
  afterEach(settle);

  it('resumes a failed run from its failed stage: 202, the stage back to pending, its failed job retried', async () => {
    await ledger.createRun('run-failed', source);
    await env.pool.query(`UPDATE ops.run_stages SET status = 'succeeded' WHERE run_id = 'run-failed' AND stage IN ('ingest', 'validate')`);
    await env.pool.query(`UPDATE ops.runs SET status = 'running', started_at = now() WHERE run_id = 'run-failed'`);
    await ledger.failStage('run-failed', 'transform', 'connection lost');
    // The transform job failed for good (a worker whose every attempt lost its connection).
    const connection = queueConnection(env.config);
    const failing = new Worker('transform', () => Promise.reject(new Error('connection lost')), {
      connection,
      prefix: env.config.queuePrefix,
    });
    try {
      await runtime.queue('transform').add('run', { runId: 'run-failed' }, { jobId: 'run-failed-transform', attempts: 1 });
      await waitFor(async () => ((await jobState('transform', 'run-failed-transform')) === 'failed' ? true : undefined), 'the transform job to fail');
    } finally {
      await failing.close();
      await closeQueueConnection(connection);
    }

    const res = await request(http).post('/runs/run-failed/resume').expect(202);
    expect(res.body).toEqual({
      runId: 'run-failed',
      previousStatus: 'failed',
      resumedFrom: 'transform',
      requeued: [{ stage: 'transform', jobId: 'run-failed-transform', action: 'retried' }],
      links: { self: '/runs/run-failed', quality: '/runs/run-failed/quality' },
    });
    const run = await ledger.getRun('run-failed');
    expect(run).toMatchObject({ status: 'running', failed_stage: null, error: null, finished_at: null });
    expect(await stageStatuses('run-failed')).toEqual([
      ['ingest', 'succeeded'],
      ['validate', 'succeeded'],
      ['transform', 'pending'],
      ['warehouse', 'pending'],
      ['analytics', 'pending'],
    ]);
    expect(await jobState('transform', 'run-failed-transform')).toBe('waiting');
  });

  it('answers 409 for a run that succeeded or while another run is active, 404 for none', async () => {
    await ledger.createRun('run-done', source);
    await env.pool.query(`UPDATE ops.runs SET status = 'succeeded', finished_at = now() WHERE run_id = 'run-done'`);
    const done = await request(http).post('/runs/run-done/resume').expect(409);
    expect(done.body.message).toBe('run run-done has already succeeded; there is nothing to resume');
    await request(http).post('/runs/run-none/resume').expect(404, { statusCode: 404, message: 'no run run-none', error: 'Not Found' });

    await ledger.createRun('run-broken', source);
    await ledger.failStage('run-broken', 'ingest', 'bad file');
    await ledger.createRun('run-active', source);
    const blocked = await request(http).post('/runs/run-broken/resume').expect(409);
    expect(blocked.body).toMatchObject({ activeRunId: 'run-active' });
    expect(blocked.body.message).toMatch(/^run run-active is queued; one run at a time, so run run-broken was not resumed/);
    expect((await ledger.getRun('run-broken'))?.status).toBe('failed');
  });
});
