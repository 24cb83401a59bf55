import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Worker, type Queue } from 'bullmq';
import request from 'supertest';
import type { App } from 'supertest/types';
import { OPS_QUEUES, partJobId, stageJobId, type RunParams } from '@ecom/contracts';
import { LedgerRepository, StageRuntime, closeQueueConnection, queueConnection } from '@ecom/pipeline';
import { createTestEnv, waitFor, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';
import { RecoveryService } from './recovery.service';

/**
 * The ledger is the truth, the queues are made to agree: what the recovery round re-queues, and
 * what POST /runs/:id/resume does. No workers here, so every job the specs look at stays where the
 * api put it.
 */
describe('recovery: the reconciler and POST /runs/:id/resume', () => {
  let env: TestEnv;
  let app: INestApplication;
  let http: App;
  let runtime: StageRuntime;
  let ledger: LedgerRepository;
  let recovery: RecoveryService;
  const source: RunParams = { mode: 'source', inputDir: '/data/batch' };

  const stageStatuses = async (runId: string) =>
    (await ledger.getStages(runId)).filter((s) => s.status !== 'skipped').map((s) => [s.stage, s.status]);
  const jobState = async (stage: 'ingest' | 'transform' | 'warehouse', jobId: string) =>
    (await runtime.queue(stage).getJob(jobId))?.getState() ?? 'missing';
  const settle = () => env.pool.query(`UPDATE ops.runs SET status = 'succeeded', finished_at = now() WHERE status IN ('queued', 'running')`);

  beforeAll(async () => {
    env = await createTestEnv('api_recovery', { schedules: { monitoring: { enabled: true } } });
    app = await createApiApp(env.config);
    await app.init();
    http = app.getHttpServer() as App;
    runtime = app.get(StageRuntime);
    ledger = app.get(LedgerRepository);
    recovery = app.get(RecoveryService);
  });
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });
  afterEach(settle);

  it('re-queues the job a running run is missing, and leaves a queued job alone', async () => {
    await ledger.createRun('run-lost', source);
    await env.pool.query(`UPDATE ops.run_stages SET status = 'succeeded' WHERE run_id = 'run-lost' AND stage IN ('ingest', 'validate')`);
    await env.pool.query(`UPDATE ops.runs SET status = 'running', started_at = now() WHERE run_id = 'run-lost'`);
    // The validator committed and died before handing off: no transform job anywhere.
    expect(await jobState('transform', stageJobId('run-lost', 'transform'))).toBe('missing');

    const first = await recovery.reconcile();
    expect(first.actions).toEqual([{ runId: 'run-lost', stage: 'transform', jobId: 'run-lost-transform', action: 'enqueued' }]);
    expect(await jobState('transform', 'run-lost-transform')).toBe('waiting');
    expect((await recovery.reconcile()).actions).toEqual([]);
  });

  it('re-queues the part jobs of unfinished tasks of a planned fan-out stage, and closes a stage whose parts all succeeded', async () => {
    await ledger.createRun('run-parts', source);
    await env.pool.query(`UPDATE ops.runs SET status = 'running', started_at = now() WHERE run_id = 'run-parts'`);
    await env.pool.query(`UPDATE ops.run_stages SET status = 'running', tasks_total = 2 WHERE run_id = 'run-parts' AND stage = 'ingest'`);
    await env.pool.query(
      `INSERT INTO ops.stage_tasks (run_id, stage, task_key, payload, status)
       VALUES ('run-parts', 'ingest', 'customers.csv', '{"file": "customers.csv"}', 'succeeded'),
              ('run-parts', 'ingest', 'products.csv', '{"file": "products.csv"}', 'pending')`,
    );
    const { actions } = await recovery.reconcile();
    const jobId = partJobId('run-parts', 'ingest', 'products.csv');
    expect(actions).toEqual([{ runId: 'run-parts', stage: 'ingest', jobId, action: 'enqueued' }]);
    const job = await runtime.queue('ingest').getJob(jobId);
    expect(job?.data).toEqual({ file: 'products.csv', runId: 'run-parts', taskKey: 'products.csv' });

    // The last part committed but its worker died before the fan-in.
    await env.pool.query(`UPDATE ops.stage_tasks SET status = 'succeeded' WHERE run_id = 'run-parts'`);
    expect((await recovery.reconcile()).actions).toEqual([{ runId: 'run-parts', stage: 'ingest', jobId: 'run-parts-ingest', action: 'closed' }]);
    expect(await stageStatuses('run-parts')).toEqual([
      ['ingest', 'succeeded'],
      ['validate', 'pending'],
      ['transform', 'pending'],
      ['warehouse', 'pending'],
      ['analytics', 'pending'],
    ]);
    expect(await runtime.queue('validate').getJob(stageJobId('run-parts', 'validate'))).toBeDefined();
  });

  it('re-creates a job scheduler the queue store lost', async () => {
    const monitoring = app.get<Queue>(getQueueToken(OPS_QUEUES.monitoring));
    expect(await monitoring.getJobScheduler('monitoring')).toBeDefined();
    await monitoring.removeJobScheduler('monitoring');
    expect((await recovery.reconcile()).restoredSchedules).toEqual(['monitoring']);
    expect(await monitoring.getJobScheduler('monitoring')).toBeDefined();
  });

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
