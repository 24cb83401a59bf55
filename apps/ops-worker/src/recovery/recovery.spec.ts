import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { OPS_QUEUES, partJobId, stageJobId, type RunParams } from '@ecom/contracts';
import { LedgerRepository, StageRuntime, createWorkerContext } from '@ecom/pipeline';
import { createTestEnv, ledgerProbes, type TestEnv } from '@ecom/testing';
import { OpsWorkerAppModule } from '../app.module';
import { RecoveryService } from './recovery.service';

/**
 * The ledger is the truth, the queues are made to agree: what the ops worker's recovery round
 * re-queues. No stage workers here, so every job the specs look at stays where the round put it.
 */
describe('ops worker recovery: the reconciler re-queues what the ledger says is missing and re-creates lost schedulers', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let runtime: StageRuntime;
  let ledger: LedgerRepository;
  let recovery: RecoveryService;
  const source: RunParams = { mode: 'source', inputDir: '/data/batch' };

  const { stageStatuses, jobState, settle } = ledgerProbes(() => ({ pool: env.pool, ledger, runtime }));

  beforeAll(async () => {
    env = await createTestEnv('ops_recovery', { schedules: { monitoring: { enabled: true } } });
    app = await createWorkerContext(OpsWorkerAppModule.forRoot, env.config, false, 'ops-worker');
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
});
